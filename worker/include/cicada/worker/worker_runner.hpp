#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "cicada/proto/messages.hpp"
#include "cicada/runner/runner.hpp"
#include "cicada/runner/user_pool.hpp"

namespace cicada {

namespace transport {
class DealerClient;
}

/// A worker (Locust's WorkerRunner): connects to a master over ZeroMQ, runs
/// the users the master's `spawn` messages ask for, reports statistics every
/// 3 s as deltas and heartbeats every second, and obeys stop, quit and
/// reconnect. Speaks Locust's protocol, so the master may be Locust itself.
///
/// The master starts and stops tests: start() on a worker only logs a warning.
class WorkerRunner final : public Runner {
 public:
  /// The Locust version announced in client_ready (masters compare major.minor).
  static constexpr const char* kLocustVersion = "2.46.3";

  WorkerRunner(Environment& environment, std::string master_host, std::uint16_t master_port,
               std::string node_id = "");
  ~WorkerRunner() override;

  void start(std::int64_t user_count, double spawn_rate,
             std::optional<std::vector<std::string>> user_classes = std::nullopt) override;
  void stop() override;
  /// Stops users, sends a last report and `quit` to the master, ends join().
  void quit() override;

  std::int64_t user_count() const override { return pool_.size(); }
  std::map<std::string, std::int64_t> user_classes_count() const override { return pool_.counts(); }
  void user_class_updated(const UserClassSettings& settings) override;

  const std::string& node_id() const { return node_id_; }
  /// The index the master gave this worker (-1 before the ack).
  std::int64_t worker_index() const { return worker_index_; }
  bool connected() const { return connected_; }
  /// Connected, and the master's last heartbeat is recent (see kMasterQuietSeconds).
  bool ready() const override;
  /// True when connecting failed for good (no ack after 61 tries of 5 s).
  bool connection_failed() const { return connection_failed_; }

  /// Handles custom messages of `type` from the master (Locust's register_message).
  /// Throws std::logic_error if the type already has a handler.
  void register_message(const std::string& type, std::function<void(const proto::Value&)> handler);
  /// Sends a custom message to the master.
  void send_message(const std::string& type, proto::Value data);

  /// A fresh node id: "<hostname>_<32 hex digits>", as Locust's workers use.
  static std::string make_node_id();

 private:
  void on_envelope(proto::Envelope envelope);
  void handle(const proto::Spawn& spawn);
  /// Takes -T/-E and test plugins' options from a spawn's parsed_options (Locust's
  /// masters send theirs).
  void adopt_master_options(const proto::Value& parsed_options);
  /// Locust's update_user_class message: new settings for one user class.
  void apply_user_class_settings(const proto::Value& data);
  void send(const proto::WorkerMessage& message);
  void send_heartbeat();
  void send_report();
  void forward_logs();
  void announce_user_classes();
  std::string worker_state_name() const;

  static awaitable<void> connect_to_master(WorkerRunner* runner);
  /// Sends client_ready until a master acks (Locust's 61 tries of 5 s).
  static awaitable<void> register_with_master(WorkerRunner* runner);
  static awaitable<void> run_spawn(WorkerRunner* runner, std::uint64_t generation);
  static awaitable<void> run_stop(WorkerRunner* runner);
  static awaitable<void> run_quit(WorkerRunner* runner, bool tell_master);

  enum class WorkerState { kReady, kSpawning, kRunning };

  UserPool pool_;
  std::string node_id_;
  std::string master_host_;
  std::uint16_t master_port_ = 0;
  std::unique_ptr<transport::DealerClient> client_;
  asio::steady_timer ack_timer_;
  WorkerState worker_state_ = WorkerState::kReady;
  std::int64_t worker_index_ = -1;
  bool connected_ = false;
  bool connection_failed_ = false;
  bool quit_started_ = false;
  double last_spawn_timestamp_ = 0;
  std::uint64_t spawn_generation_ = 0;
  double last_master_heartbeat_ = 0;  // steady seconds; 0 = none yet
  std::map<std::string, std::function<void(const proto::Value&)>> custom_handlers_;
  std::size_t user_error_listener_ = 0;
  std::uint64_t bad_frames_ = 0;
  std::uint64_t refused_handshakes_ = 0;  ///< handshakes the master turned away
  std::uint64_t unknown_types_ = 0;
  // CPU sampling for heartbeats.
  double last_cpu_seconds_ = 0;
  double last_cpu_sample_ = 0;
  double cpu_percent_ = 0;
  bool warned_unshared_arrivals_ = false;
  // Log forwarding (Locust's `logs` message), only to a master that said it is cicada's.
  bool master_is_cicada_ = false;
  bool forwarding_logs_ = true;
  std::uint64_t logs_forwarded_ = 0;  // lines logged when the buffer was last sent
};

}  // namespace cicada
