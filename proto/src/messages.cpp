#include "cicada/proto/messages.hpp"

#include "map_reader.hpp"

namespace cicada::proto {
namespace {

Value class_counts_value(const UserClassCounts& counts) {
  Value::Map map;
  map.reserve(counts.size());
  for (const auto& entry : counts) map.push_back({Value(entry.class_name), Value(entry.count)});
  return Value(std::move(map));
}

template <typename T>
Result<T> finish(const detail::MapReader& reader, T message) {
  if (!reader.ok()) return tl::unexpected(reader.error());
  return message;
}

std::string context_of(const Envelope& envelope) {
  return envelope.type;
}

Result<ClientReady> client_ready_from(const Envelope& envelope) {
  const Value& data = envelope.data;
  if (const auto* version = data.as_string()) return ClientReady{*version};
  // A nil (or Debian's "") version is "unknown"; Locust masters reject it, we let the caller
  // decide.
  if (data.is_nil()) return ClientReady{std::string()};
  if (data.as_int() == -1) return ClientReady{std::nullopt};
  return proto_error("client_ready: version must be a str or -1, got " +
                     std::string(data.type_name()));
}

Result<Ack> ack_from(const Envelope& envelope) {
  if (envelope.data.is_nil()) return Ack{};  // masters before 2.10.3
  detail::MapReader reader(envelope.data, context_of(envelope));
  Ack ack;
  ack.index = reader.optional_integer("index");
  ack.cicada = reader.optional_string("cicada");
  return finish(reader, std::move(ack));
}

Result<WorkerHeartbeat> worker_heartbeat_from(const Envelope& envelope) {
  detail::MapReader reader(envelope.data, context_of(envelope));
  WorkerHeartbeat heartbeat;
  heartbeat.state = reader.string("state");
  heartbeat.current_cpu_usage_percent = reader.number("current_cpu_usage");
  if (auto memory = reader.optional_integer("current_memory_usage")) {
    if (*memory < 0) {
      reader.fail("current_memory_usage", "negative");
    } else {
      heartbeat.current_memory_usage_bytes = static_cast<std::uint64_t>(*memory);
    }
  }
  return finish(reader, std::move(heartbeat));
}

Result<Spawn> spawn_from(const Envelope& envelope) {
  detail::MapReader reader(envelope.data, context_of(envelope));
  Spawn spawn;
  spawn.timestamp = reader.number("timestamp");
  spawn.user_classes_count = reader.class_counts("user_classes_count");
  spawn.host = reader.optional_string("host");
  spawn.stop_timeout_seconds = reader.optional_number("stop_timeout");
  if (const Value* options = reader.find("parsed_options"); options && !options->is_nil()) {
    if (options->is_map()) {
      spawn.parsed_options = *options;
    } else {
      reader.fail("parsed_options", "expected a dict, got " + std::string(options->type_name()));
    }
  }
  if (const Value* arrival = reader.find("cicada_arrival"); arrival && !arrival->is_nil()) {
    detail::MapReader share(*arrival, context_of(envelope) + ".cicada_arrival");
    ArrivalAssignment assignment;
    assignment.elapsed_seconds = share.number("elapsed");
    assignment.index = share.integer("index");
    assignment.count = share.integer("count");
    if (!share.ok()) return tl::unexpected(share.error());
    if (assignment.count < 1 || assignment.index < 0 || assignment.index >= assignment.count ||
        !(assignment.elapsed_seconds >= 0)) {
      return proto_error(context_of(envelope) +
                         ".cicada_arrival: needs 0 <= index < count and elapsed >= 0");
    }
    spawn.cicada_arrival = assignment;
  }
  return finish(reader, std::move(spawn));
}

Result<WorkerSpawningComplete> worker_spawning_complete_from(const Envelope& envelope) {
  detail::MapReader reader(envelope.data, context_of(envelope));
  WorkerSpawningComplete message;
  message.user_classes_count = reader.class_counts("user_classes_count");
  message.user_count = reader.integer("user_count");
  return finish(reader, std::move(message));
}

Result<MasterSpawningComplete> master_spawning_complete_from(const Envelope& envelope) {
  detail::MapReader reader(envelope.data, context_of(envelope));
  return finish(reader, MasterSpawningComplete{reader.integer("user_count")});
}

Result<ExceptionReport> exception_from(const Envelope& envelope) {
  detail::MapReader reader(envelope.data, context_of(envelope));
  ExceptionReport report;
  report.msg = reader.string("msg");
  report.traceback = reader.string("traceback");
  return finish(reader, std::move(report));
}

Result<Logs> logs_from(const Envelope& envelope) {
  detail::MapReader reader(envelope.data, context_of(envelope));
  Logs logs;
  logs.worker_id = reader.string("worker_id");
  if (const Value* lines = reader.require("logs")) {
    const auto* array = lines->as_array();
    if (array == nullptr) {
      reader.fail("logs", "expected a list, got " + std::string(lines->type_name()));
    } else {
      for (const auto& line : *array) {
        const auto* text = line.as_string();
        if (text == nullptr) {
          reader.fail("logs", "expected a list of str, found " + std::string(line.type_name()));
          break;
        }
        logs.logs.push_back(*text);
      }
    }
  }
  return finish(reader, std::move(logs));
}

Result<Stats> stats_from(const Envelope& envelope) {
  auto report = stats_report_from_value(envelope.data);
  if (!report) return tl::unexpected(report.error());
  return Stats{std::move(*report)};
}

// Data-less messages: Locust sends nil, and ignores whatever data arrives.
template <typename T>
Result<T> empty_from(const Envelope&) {
  return T{};
}

template <typename Variant, typename T>
Result<Variant> widen(Result<T> result) {
  if (!result) return tl::unexpected(result.error());
  return Variant{std::move(*result)};
}

}  // namespace

Value to_value(const ClientReady& message) {
  return message.version ? Value(*message.version) : Value(-1);
}
Value to_value(const Ack& message) {
  if (!message.index && !message.cicada) return Value();
  Value value = Value(Value::Map{});
  if (message.index) value.as_map()->push_back({Value("index"), Value(*message.index)});
  if (message.cicada) value.as_map()->push_back({Value("cicada"), Value(*message.cicada)});
  return value;
}
Value to_value(const WorkerHeartbeat& message) {
  Value value = make_map(
      {{"state", message.state}, {"current_cpu_usage", message.current_cpu_usage_percent}});
  if (message.current_memory_usage_bytes) {
    value.as_map()->push_back(
        {Value("current_memory_usage"), Value(*message.current_memory_usage_bytes)});
  }
  return value;
}
Value to_value(const MasterHeartbeat&) {
  return Value();
}
Value to_value(const Spawn& message) {
  Value value = make_map({
      {"timestamp", message.timestamp},
      {"user_classes_count", class_counts_value(message.user_classes_count)},
      {"host", message.host ? Value(*message.host) : Value()},
      {"stop_timeout",
       message.stop_timeout_seconds ? Value(*message.stop_timeout_seconds) : Value()},
      {"parsed_options", message.parsed_options},
  });
  if (const auto& arrival = message.cicada_arrival) {
    value.as_map()->push_back(
        {Value("cicada_arrival"), make_map({{"elapsed", arrival->elapsed_seconds},
                                            {"index", arrival->index},
                                            {"count", arrival->count}})});
  }
  return value;
}
Value to_value(const Spawning&) {
  return Value();
}
Value to_value(const WorkerSpawningComplete& message) {
  return make_map({{"user_classes_count", class_counts_value(message.user_classes_count)},
                   {"user_count", message.user_count}});
}
Value to_value(const MasterSpawningComplete& message) {
  return make_map({{"user_count", message.user_count}});
}
Value to_value(const Stats& message) {
  return to_value(message.report);
}
Value to_value(const ExceptionReport& message) {
  return make_map({{"msg", message.msg}, {"traceback", message.traceback}});
}
Value to_value(const Stop&) {
  return Value();
}
Value to_value(const ClientStopped&) {
  return Value();
}
Value to_value(const Quit&) {
  return Value();
}
Value to_value(const Reconnect&) {
  return Value();
}
Value to_value(const Logs& message) {
  Value::Array lines(message.logs.begin(), message.logs.end());
  return make_map({{"worker_id", message.worker_id}, {"logs", Value(std::move(lines))}});
}
Value to_value(const CustomMessage& message) {
  return message.data;
}

Envelope to_envelope(const WorkerMessage& message, std::string node_id) {
  return std::visit([&](const auto& m) { return to_envelope(m, std::move(node_id)); }, message);
}

Envelope to_envelope(const MasterMessage& message, std::string node_id) {
  return std::visit([&](const auto& m) { return to_envelope(m, std::move(node_id)); }, message);
}

Result<WorkerMessage> decode_worker_message(const Envelope& envelope) {
  const std::string& type = envelope.type;
  using M = WorkerMessage;
  if (type == ClientReady::kType) return widen<M>(client_ready_from(envelope));
  if (type == WorkerHeartbeat::kType) return widen<M>(worker_heartbeat_from(envelope));
  if (type == Spawning::kType) return widen<M>(empty_from<Spawning>(envelope));
  if (type == WorkerSpawningComplete::kType) {
    return widen<M>(worker_spawning_complete_from(envelope));
  }
  if (type == Stats::kType) return widen<M>(stats_from(envelope));
  if (type == ExceptionReport::kType) return widen<M>(exception_from(envelope));
  if (type == ClientStopped::kType) return widen<M>(empty_from<ClientStopped>(envelope));
  if (type == Quit::kType) return widen<M>(empty_from<Quit>(envelope));
  if (type == Logs::kType) return widen<M>(logs_from(envelope));
  return M{CustomMessage{type, envelope.data}};
}

Result<MasterMessage> decode_master_message(const Envelope& envelope) {
  const std::string& type = envelope.type;
  using M = MasterMessage;
  if (type == Ack::kType) return widen<M>(ack_from(envelope));
  if (type == MasterHeartbeat::kType) return widen<M>(empty_from<MasterHeartbeat>(envelope));
  if (type == Spawn::kType) return widen<M>(spawn_from(envelope));
  if (type == MasterSpawningComplete::kType) {
    return widen<M>(master_spawning_complete_from(envelope));
  }
  if (type == Stop::kType) return widen<M>(empty_from<Stop>(envelope));
  if (type == Quit::kType) return widen<M>(empty_from<Quit>(envelope));
  if (type == Reconnect::kType) return widen<M>(empty_from<Reconnect>(envelope));
  return M{CustomMessage{type, envelope.data}};
}

}  // namespace cicada::proto
