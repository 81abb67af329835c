#include "cicada/proto/messages.hpp"

#include <doctest/doctest.h>

#include "support/hex.hpp"

// Golden bytes come from real Python msgpack (tests/fixtures/proto/make_golden.py),
// the encoder Locust uses. Every message type is checked both ways: Python's
// bytes decode to the right typed value, and encoding that value gives
// Python's bytes back.

namespace cicada::proto {
namespace {

const std::string kNodeId = "worker1_0123456789abcdef0123456789abcdef";

const std::map<std::string, std::string>& golden() {
  static const auto fixtures = test::load_hex_fixtures("proto/golden.txt");
  return fixtures;
}

const std::string& golden_bytes(const std::string& name) {
  auto it = golden().find(name);
  REQUIRE_MESSAGE(it != golden().end(), "no golden vector " << name);
  return it->second;
}

template <typename Expected>
Expected decode_from_worker(const std::string& name) {
  auto envelope = decode_envelope(golden_bytes(name));
  REQUIRE_MESSAGE(envelope.has_value(), envelope.error().message);
  CHECK(envelope->node_id == kNodeId);
  auto message = decode_worker_message(*envelope);
  REQUIRE_MESSAGE(message.has_value(), message.error().message);
  REQUIRE(std::holds_alternative<Expected>(*message));
  return std::get<Expected>(*message);
}

template <typename Expected>
Expected decode_from_master(const std::string& name, const std::string& node_id = kNodeId) {
  auto envelope = decode_envelope(golden_bytes(name));
  REQUIRE_MESSAGE(envelope.has_value(), envelope.error().message);
  CHECK(envelope->node_id == node_id);
  auto message = decode_master_message(*envelope);
  REQUIRE_MESSAGE(message.has_value(), message.error().message);
  REQUIRE(std::holds_alternative<Expected>(*message));
  return std::get<Expected>(*message);
}

template <typename Message>
void check_encodes_like_python(const Message& message, const std::string& name,
                               const std::string& node_id = kNodeId) {
  CHECK(test::to_hex(encode_envelope(to_envelope(message, node_id))) ==
        test::to_hex(golden_bytes(name)));
}

}  // namespace

TEST_CASE("client_ready carries the worker's Locust version both ways") {
  auto ready = decode_from_worker<ClientReady>("tv1_client_ready");
  CHECK(ready.version == "2.46.3");
  check_encodes_like_python(ready, "tv1_client_ready");

  SUBCASE("-1 means skip the version check") {
    auto skip = decode_from_worker<ClientReady>("client_ready_skip_version_check");
    CHECK_FALSE(skip.version.has_value());
    check_encodes_like_python(skip, "client_ready_skip_version_check");
  }
  SUBCASE("Debian's Locust sends an empty version") {
    auto debian = decode_from_worker<ClientReady>("client_ready_debian_empty_version");
    CHECK(debian.version == "");
    check_encodes_like_python(debian, "client_ready_debian_empty_version");
  }
}

TEST_CASE("ack carries the worker index, or nothing from old masters") {
  auto ack = decode_from_master<Ack>("tv2_ack");
  CHECK(ack.index == 0);
  check_encodes_like_python(ack, "tv2_ack");

  auto old = decode_from_master<Ack>("ack_without_index");
  CHECK_FALSE(old.index.has_value());
  check_encodes_like_python(old, "ack_without_index");

  SUBCASE("a cicada master names itself in an extra key") {
    const auto decoded = decode_master_message(to_envelope(Ack{3, "1"}, "master"));
    REQUIRE(decoded);
    const auto& cicada_ack = std::get<Ack>(*decoded);
    CHECK(cicada_ack.index == 3);
    CHECK(cicada_ack.cicada == "1");
    CHECK_FALSE(ack.cicada.has_value());  // Locust's acks say nothing of it
  }
}

TEST_CASE("a worker heartbeat carries state, cpu and memory") {
  auto heartbeat = decode_from_worker<WorkerHeartbeat>("tv3_worker_heartbeat");
  CHECK(heartbeat.state == "running");
  CHECK(heartbeat.current_cpu_usage_percent == 12.5);
  CHECK(heartbeat.current_memory_usage_bytes == 52428800u);
  check_encodes_like_python(heartbeat, "tv3_worker_heartbeat");

  SUBCASE("Locust 2.12.1 sends an int cpu usage") {
    auto old = decode_from_worker<WorkerHeartbeat>("heartbeat_2_12_int_cpu");
    CHECK(old.state == "ready");
    CHECK(old.current_cpu_usage_percent == 0.0);
    CHECK(old.current_memory_usage_bytes == 0u);
  }
}

TEST_CASE("the master's heartbeat has no data") {
  auto heartbeat = decode_from_master<MasterHeartbeat>("tv4_master_heartbeat");
  check_encodes_like_python(heartbeat, "tv4_master_heartbeat");
}

TEST_CASE("spawn carries absolute per-class targets, host, stop timeout and options") {
  auto spawn = decode_from_master<Spawn>("tv5_spawn");
  CHECK(spawn.timestamp == 1700000000.25);
  REQUIRE(spawn.user_classes_count.size() == 2);
  CHECK(spawn.user_classes_count[0] == ClassCount{"User1", 1});
  CHECK(spawn.user_classes_count[1] == ClassCount{"User2", 2});
  CHECK(spawn.host == "http://127.0.0.1:8080");
  CHECK(spawn.stop_timeout_seconds == 0.0);
  CHECK(spawn.parsed_options == Value(Value::Map{}));
  check_encodes_like_python(spawn, "tv5_spawn");

  SUBCASE("Locust 2.12.1: nil host and stop timeout, options of every type") {
    auto old = decode_from_master<Spawn>("spawn_2_12_nil_stop_timeout");
    CHECK_FALSE(old.host.has_value());
    CHECK_FALSE(old.stop_timeout_seconds.has_value());
    CHECK(old.user_classes_count[1] == ClassCount{"Api", 0});
    REQUIRE(old.parsed_options.find("spawn_rate") != nullptr);
    CHECK(old.parsed_options.find("spawn_rate")->as_double() == 2.5);
    CHECK(old.parsed_options.find("tags")->is_nil());
    check_encodes_like_python(old, "spawn_2_12_nil_stop_timeout");
  }
}

TEST_CASE("a cicada master's spawn shares out the arrival rates, and Locust's has no share") {
  CHECK_FALSE(decode_from_master<Spawn>("tv5_spawn").cicada_arrival.has_value());
  Spawn spawn;
  spawn.timestamp = 5;
  spawn.cicada_arrival = ArrivalAssignment{12.5, 1, 3};
  auto envelope = decode_envelope(encode_envelope(to_envelope(spawn, kNodeId)));
  REQUIRE(envelope);
  auto message = decode_master_message(*envelope);
  REQUIRE(message);
  CHECK(std::get<Spawn>(*message).cicada_arrival == spawn.cicada_arrival);

  SUBCASE("a share that cannot be is refused, naming the field") {
    envelope->data.as_map()->back().value =
        make_map({{"elapsed", 1.0}, {"index", 3}, {"count", 3}});
    auto refused = decode_master_message(*envelope);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("cicada_arrival: needs 0 <= index < count") !=
          std::string::npos);
  }
}

TEST_CASE("spawning has no data") {
  auto spawning = decode_from_worker<Spawning>("tv6_spawning");
  check_encodes_like_python(spawning, "tv6_spawning");
}

TEST_CASE("spawning_complete differs by direction") {
  auto from_worker = decode_from_worker<WorkerSpawningComplete>("tv7_worker_spawning_complete");
  CHECK(from_worker.user_count == 3);
  CHECK(from_worker.user_classes_count == UserClassCounts{{"User1", 1}, {"User2", 2}});
  check_encodes_like_python(from_worker, "tv7_worker_spawning_complete");

  auto from_master = decode_from_master<MasterSpawningComplete>("tv8_master_spawning_complete");
  CHECK(from_master.user_count == 3);
  check_encodes_like_python(from_master, "tv8_master_spawning_complete");
}

TEST_CASE("stop, client_stopped, quit and reconnect have no data") {
  check_encodes_like_python(decode_from_master<Stop>("tv9_stop"), "tv9_stop");
  check_encodes_like_python(decode_from_worker<ClientStopped>("tv10_client_stopped"),
                            "tv10_client_stopped");
  check_encodes_like_python(decode_from_worker<Quit>("tv11_quit"), "tv11_quit");
  check_encodes_like_python(decode_from_master<Quit>("tv11_quit"), "tv11_quit");
  check_encodes_like_python(decode_from_master<Reconnect>("tv12_reconnect"), "tv12_reconnect");
}

TEST_CASE("exception carries the message and the traceback") {
  auto report = decode_from_worker<ExceptionReport>("tv13_exception");
  CHECK(report.msg == "boom");
  CHECK(report.traceback == "  File \"lf.py\", line 9, in t\n");
  check_encodes_like_python(report, "tv13_exception");
}

TEST_CASE("logs carry the worker id and its lines") {
  auto logs = decode_from_worker<Logs>("logs");
  CHECK(logs.worker_id == kNodeId);
  CHECK(logs.logs == std::vector<std::string>{"[2024] INFO/locust.main: Starting", "line two"});
  check_encodes_like_python(logs, "logs");
}

TEST_CASE("stats decode to a typed report and encode back to Python's bytes") {
  auto stats = decode_from_worker<Stats>("tv14_stats");
  CHECK(stats.report.user_count == 3);
  REQUIRE(stats.report.stats.size() == 1);
  CHECK(stats.report.stats[0].name == "/");
  CHECK(stats.report.stats_total.name == "Aggregated");
  REQUIRE(stats.report.errors.size() == 1);
  CHECK(stats.report.errors[0].error == "Exception('boom')");
  check_encodes_like_python(stats, "tv14_stats");
}

TEST_CASE("unknown types are custom messages and keep their data exactly") {
  SUBCASE("float map keys (2.12.1 style) survive a round trip") {
    auto envelope = decode_envelope(golden_bytes("tv15_float_key_custom"));
    REQUIRE(envelope);
    auto message = decode_worker_message(*envelope);
    REQUIRE(message);
    const auto& custom = std::get<CustomMessage>(*message);
    CHECK(custom.type == "x");
    const auto& map = *custom.data.as_map();
    CHECK(map[0].key.is_float());
    CHECK(map[0].key.as_double() == 150.0);
    CHECK(map[1].key.as_int() == 42);
    check_encodes_like_python(custom, "tv15_float_key_custom", "n");
  }
  SUBCASE("locustfile requests (not served by cicada) stay custom") {
    auto envelope = decode_envelope(golden_bytes("tv16_locustfile_custom"));
    REQUIRE(envelope);
    auto message = decode_worker_message(*envelope);
    REQUIRE(message);
    const auto& custom = std::get<CustomMessage>(*message);
    CHECK(custom.type == "locustfile");
    check_encodes_like_python(custom, "tv16_locustfile_custom", envelope->node_id);
  }
  SUBCASE("a datetime stays the plain map Python sent") {
    auto envelope = decode_envelope(golden_bytes("tv17_datetime_custom"));
    REQUIRE(envelope);
    CHECK(envelope->data.find("as_str")->as_string() != nullptr);
    CHECK(*envelope->data.find("__datetime__")->as_bool());
    check_encodes_like_python(CustomMessage{envelope->type, envelope->data}, "tv17_datetime_custom",
                              "n");
  }
  SUBCASE("every msgpack type round-trips from the worker and from the master") {
    auto envelope = decode_envelope(golden_bytes("custom_message_all_types"));
    REQUIRE(envelope);
    auto message = decode_worker_message(*envelope);
    REQUIRE(message);
    check_encodes_like_python(std::get<CustomMessage>(*message), "custom_message_all_types");

    auto from_master = decode_envelope(golden_bytes("custom_message_from_master"));
    REQUIRE(from_master);
    auto master_message = decode_master_message(*from_master);
    REQUIRE(master_message);
    const auto& custom = std::get<CustomMessage>(*master_message);
    CHECK(custom.data.find("rate")->as_int() == 3);
    check_encodes_like_python(custom, "custom_message_from_master", "hostA_0123");
  }
}

TEST_CASE("a message with the wrong field types is an error naming the field") {
  auto decode = [](const Envelope& envelope) { return decode_master_message(envelope); };
  SUBCASE("spawn host") {
    Envelope bad{"spawn",
                 make_map({{"timestamp", 1.0},
                           {"user_classes_count", Value(Value::Map{})},
                           {"host", 5},
                           {"stop_timeout", Value()},
                           {"parsed_options", Value(Value::Map{})}}),
                 "w"};
    auto result = decode(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "spawn.host: expected str or nil, got int");
  }
  SUBCASE("spawn without data") {
    auto result = decode(Envelope{"spawn", Value(), "w"});
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "spawn: expected a dict, got nil");
  }
  SUBCASE("spawn counts that are not ints") {
    Envelope bad{"spawn",
                 make_map({{"timestamp", 1.0},
                           {"user_classes_count", make_map({{"User1", "many"}})},
                           {"host", Value()},
                           {"stop_timeout", Value()},
                           {"parsed_options", Value(Value::Map{})}}),
                 "w"};
    auto result = decode(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().message ==
          "spawn.user_classes_count: expected str keys and int counts, got str -> str");
  }
  SUBCASE("heartbeat without cpu") {
    auto result = decode_worker_message(Envelope{"heartbeat", make_map({{"state", "ready"}}), "w"});
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "heartbeat.current_cpu_usage: missing");
  }
  SUBCASE("client_ready with a list as version") {
    auto result = decode_worker_message(Envelope{"client_ready", Value(Value::Array{}), "w"});
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "client_ready: version must be a str or -1, got list");
  }
  SUBCASE("exception without traceback") {
    auto result = decode_worker_message(Envelope{"exception", make_map({{"msg", "x"}}), "w"});
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "exception.traceback: missing");
  }
}

}  // namespace cicada::proto
