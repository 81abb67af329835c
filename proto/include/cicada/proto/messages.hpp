#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cicada/proto/envelope.hpp"
#include "cicada/proto/error.hpp"
#include "cicada/proto/stats_report.hpp"
#include "cicada/proto/value.hpp"

// Typed payloads of Locust's master/worker messages
// (shared/reference/locust-wire-protocol.md §3). Each struct names its wire
// type in `kType`. `to_envelope` encodes exactly as Python Locust does;
// `decode_*_message` accept everything real Locust versions send (ints where
// floats are usual, nil for absent values) and reject the rest with an error
// that names the message and the field.

namespace cicada::proto {

/// W->M once at start-up and after each stop. `version` is the Locust version
/// the worker speaks ("2.46.3"); std::nullopt is Locust's `-1`, "skip the
/// version check". Debian's Locust sends "" (and a nil decodes as "" too).
struct ClientReady {
  static constexpr std::string_view kType = "client_ready";
  std::optional<std::string> version;
};

/// M->W reply to client_ready. `index` is the worker's 0-based index (masters
/// before 2.10.3 sent none).
struct Ack {
  static constexpr std::string_view kType = "ack";
  std::optional<std::int64_t> index;
  /// cicada's own key: a cicada master names itself, so its workers may send
  /// what only cicada reads (forwarded logs). Locust ignores the extra key.
  std::optional<std::string> cicada;
};

/// W->M every second.
struct WorkerHeartbeat {
  static constexpr std::string_view kType = "heartbeat";
  std::string state;  ///< "ready", "spawning", "running" (also "stopped", "cleanup")
  double current_cpu_usage_percent = 0;
  std::optional<std::uint64_t> current_memory_usage_bytes;  ///< RSS; optional for old workers
};

/// M->W answer to each heartbeat (Locust >= 2.19).
struct MasterHeartbeat {
  static constexpr std::string_view kType = "heartbeat";
};

/// M->W: absolute per-class user targets for this worker.
/// cicada only: a worker's part of the open-model (arrival-rate) schedules.
struct ArrivalAssignment {
  double elapsed_seconds = 0;  ///< how far into the test the schedules are
  std::int64_t index = 0;      ///< this worker's place among those sharing them
  std::int64_t count = 1;      ///< workers sharing them (each runs 1/count)
  friend bool operator==(const ArrivalAssignment&, const ArrivalAssignment&) = default;
};

struct Spawn {
  static constexpr std::string_view kType = "spawn";
  double timestamp = 0;  ///< master clock, epoch seconds; strictly increasing per worker
  UserClassCounts user_classes_count;
  std::optional<std::string> host;
  std::optional<double> stop_timeout_seconds;  ///< nil from Locust 2.12.1 means 0
  Value parsed_options = Value(Value::Map{});  ///< the master's options, a map
  /// Under the key "cicada_arrival" ({elapsed, index, count}), which Locust's workers ignore.
  std::optional<ArrivalAssignment> cicada_arrival = std::nullopt;
};

/// W->M as soon as a spawn message arrives.
struct Spawning {
  static constexpr std::string_view kType = "spawning";
};

/// W->M when the worker reached the spawn targets.
struct WorkerSpawningComplete {
  static constexpr std::string_view kType = "spawning_complete";
  UserClassCounts user_classes_count;
  std::int64_t user_count = 0;
};

/// M->W when the whole ramp finished (Locust >= 2.29).
struct MasterSpawningComplete {
  static constexpr std::string_view kType = "spawning_complete";
  std::int64_t user_count = 0;
};

/// W->M every 3 s: statistics since the previous report.
struct Stats {
  static constexpr std::string_view kType = "stats";
  StatsReport report;
};

/// W->M for an unhandled exception in user code.
struct ExceptionReport {
  static constexpr std::string_view kType = "exception";
  std::string msg;
  std::string traceback;
};

/// M->W: stop all users, then report client_stopped.
struct Stop {
  static constexpr std::string_view kType = "stop";
};

/// W->M after stopping its users.
struct ClientStopped {
  static constexpr std::string_view kType = "client_stopped";
};

/// Both ways: the sender is shutting down (M->W: shut down too).
struct Quit {
  static constexpr std::string_view kType = "quit";
};

/// M->W: the master could not decode something; reopen the socket.
struct Reconnect {
  static constexpr std::string_view kType = "reconnect";
};

/// W->M every 10 s: the worker's recent log lines (Locust >= 2.29).
struct Logs {
  static constexpr std::string_view kType = "logs";
  std::string worker_id;
  std::vector<std::string> logs;
};

/// Any other type, both ways: user-registered messages (register_message /
/// send_message) and types this version does not model.
struct CustomMessage {
  std::string type;
  Value data;
};

/// What a master can receive from a worker.
using WorkerMessage =
    std::variant<ClientReady, WorkerHeartbeat, Spawning, WorkerSpawningComplete, Stats,
                 ExceptionReport, ClientStopped, Quit, Logs, CustomMessage>;

/// What a worker can receive from a master.
using MasterMessage = std::variant<Ack, MasterHeartbeat, Spawn, MasterSpawningComplete, Stop, Quit,
                                   Reconnect, CustomMessage>;

/// Encodes a message's data as Locust does.
Value to_value(const ClientReady& message);
Value to_value(const Ack& message);
Value to_value(const WorkerHeartbeat& message);
Value to_value(const MasterHeartbeat& message);
Value to_value(const Spawn& message);
Value to_value(const Spawning& message);
Value to_value(const WorkerSpawningComplete& message);
Value to_value(const MasterSpawningComplete& message);
Value to_value(const Stats& message);
Value to_value(const ExceptionReport& message);
Value to_value(const Stop& message);
Value to_value(const ClientStopped& message);
Value to_value(const Quit& message);
Value to_value(const Reconnect& message);
Value to_value(const Logs& message);
Value to_value(const CustomMessage& message);

inline std::string_view type_of(const CustomMessage& message) {
  return message.type;
}
template <typename Message>
std::string_view type_of(const Message&) {
  return Message::kType;
}

/// Wraps a typed message in an envelope addressed as `node_id`.
template <typename Message>
Envelope to_envelope(const Message& message, std::string node_id) {
  return Envelope{std::string(type_of(message)), to_value(message), std::move(node_id)};
}
Envelope to_envelope(const WorkerMessage& message, std::string node_id);
Envelope to_envelope(const MasterMessage& message, std::string node_id);

/// Interprets an envelope a worker sent. Unknown types become CustomMessage.
Result<WorkerMessage> decode_worker_message(const Envelope& envelope);

/// Interprets an envelope a master sent. Unknown types become CustomMessage.
Result<MasterMessage> decode_master_message(const Envelope& envelope);

/// Reads a whole `heartbeat` frame (the bytes split_envelope takes) in one
/// pass into `heartbeat`, reusing its storage, and returns the frame's node
/// id, which points into `frame`: thousands of workers send one a second.
/// Takes only the usual shape (the three fields, each once) and declines
/// (nullopt) anything else, which then goes the general way:
/// decode_envelope and decode_worker_message have the final word, and they
/// agree with this reader on every frame it takes.
std::optional<std::string_view> read_heartbeat_frame(std::string_view frame,
                                                     WorkerHeartbeat& heartbeat,
                                                     const DecodeLimits& limits = {});

}  // namespace cicada::proto
