#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "cicada/master/worker_registry.hpp"
#include "cicada/proto/messages.hpp"
#include "cicada/runner/runner.hpp"
#include "cicada/runner/users_dispatcher.hpp"

namespace cicada {

namespace transport {
class RouterServer;
}

/// A master (Locust's MasterRunner): accepts workers over ZeroMQ (cicada's or
/// Locust's), keeps a registry with heartbeats, spreads users over them with
/// the users dispatcher (ramping at the spawn rate, rebalancing when workers
/// join, leave or go missing), and merges their statistics reports.
class MasterRunner final : public Runner {
 public:
  using WorkerNode = cicada::WorkerNode;

  /// Binds the ROUTER, as a CURVE server when the environment's options have
  /// CURVE keys; throws transport::TransportError naming the address or key.
  MasterRunner(Environment& environment, const std::string& bind_host, std::uint16_t bind_port);
  ~MasterRunner() override;

  std::uint16_t port() const { return port_; }

  void start(std::int64_t user_count, double spawn_rate,
             std::optional<std::vector<std::string>> user_classes = std::nullopt) override;
  void stop() override;
  void quit() override;

  /// Users the workers report running.
  std::int64_t user_count() const override;
  std::map<std::string, std::int64_t> user_classes_count() const override;
  /// Workers that are ready, spawning or running.
  std::int64_t worker_count() const override;
  const WorkerRegistry::Nodes& workers() const { return workers_.nodes(); }
  std::vector<WorkerSummary> worker_summaries() const override;
  std::map<std::string, std::vector<std::string>> worker_logs() const override {
    return worker_logs_;
  }
  bool distributed() const override { return true; }
  /// Takes the new weight and fixed_count for the next test, and sends the
  /// settings to every worker (Locust's update_user_class).
  void user_class_updated(const UserClassSettings& settings) override;
  bool has_user_class(const std::string& name) const override;

  /// Called when the last worker quit or went missing (the CLI quits a headless run).
  void on_no_workers(std::function<void()> callback) { on_no_workers_ = std::move(callback); }
  /// The options map sent in every `spawn` (Locust's parsed_options).
  void set_parsed_options(proto::Value options) { parsed_options_ = std::move(options); }

  void register_message(
      const std::string& type,
      std::function<void(const std::string& worker_id, const proto::Value&)> handler);
  /// Sends a custom message to one worker, or to all when `worker_id` is empty.
  void send_message(const std::string& type, proto::Value data, const std::string& worker_id = "");

  /// The user classes the dispatcher spreads (from -f, or announced by cicada workers).
  const std::vector<DispatchUserClass>& user_classes() const { return classes_; }
  /// The open-model (arrival-rate) classes, whose schedules are shared among the workers.
  const std::vector<std::string>& open_classes() const { return open_classes_; }

 private:
  void on_raw_frame(std::string_view identity, std::string_view bytes);
  void on_frame(std::string_view identity, const proto::EnvelopeView& frame);
  void on_message(const std::string& identity, proto::Envelope envelope);
  void on_bad_frame(std::string_view identity, const proto::ProtoError& error);
  void handle_worker_message(const std::string& id, proto::WorkerMessage& message);
  void handle_stats(std::string_view id, const proto::StatsReport& report);
  void handle_heartbeat(std::string_view id, const proto::WorkerHeartbeat& heartbeat);
  void remove_worker(const std::string& id, bool deleted);
  void tick();
  void redispatch();
  void send_to(const std::string& id, const proto::MasterMessage& message);
  double next_timestamp();
  std::optional<std::string> spawn_host() const;
  /// Worker `index` of `count`'s part of the open-model schedules; nullopt without such classes.
  std::optional<proto::ArrivalAssignment> arrival_assignment(std::size_t index,
                                                             std::size_t count) const;
  /// Starts a test of open-model classes only: every worker gets its share, no users.
  void spread_arrivals_only();
  /// Users of the dispatched (closed-model) classes, as the workers report them.
  std::int64_t dispatched_user_count() const;
  /// Spawning or running: users are (being) spread over the workers.
  bool dispatching() const;
  /// Logs (and totals) how long a worker that went missing was unreported.
  void warn_unreported(WorkerNode& node);
  void learn_classes(const proto::Value& data);
  void on_unregistered(std::string_view node_id, std::string_view type, std::int64_t requests);
  void on_refused_handshake(const std::string& reason);

  static awaitable<void> run_ramp(MasterRunner* runner, std::uint64_t generation);
  static awaitable<void> run_stop(MasterRunner* runner);
  static awaitable<void> run_quit(MasterRunner* runner);

  std::unique_ptr<transport::RouterServer> server_;
  std::uint16_t port_ = 0;
  WorkerRegistry workers_;
  bool quit_sent_ = false;  ///< the workers were told to quit: none goes missing now
  std::map<std::string, std::int64_t> indexes_;
  std::vector<DispatchUserClass> classes_;
  std::vector<std::string> open_classes_;
  double test_started_at_ = 0;  ///< steady seconds: where the arrival schedules start
  std::unique_ptr<UsersDispatcher> dispatcher_;
  double spawn_rate_ = 1;
  std::uint64_t ramp_generation_ = 0;
  asio::steady_timer ramp_timer_;
  double last_timestamp_ = 0;
  proto::Value parsed_options_ = proto::Value(proto::Value::Map{});
  std::map<std::string, std::vector<std::string>> worker_logs_;  // as each worker last sent them
  std::function<void()> on_no_workers_;
  std::map<std::string, std::function<void(const std::string&, const proto::Value&)>>
      custom_handlers_;
  std::uint64_t bad_frames_ = 0;
  /// The last stats report read: its storage is reused by the next one.
  proto::StatsReport report_;
  /// The last heartbeat read, likewise.
  proto::WorkerHeartbeat heartbeat_;
  std::uint64_t unknown_types_ = 0;
  /// Nodes that sent more than a registration without registering: when each
  /// was last asked to register (steady seconds), and what was refused.
  std::map<std::string, double> unregistered_;
  std::uint64_t unregistered_messages_ = 0;
  std::int64_t unregistered_requests_ = 0;
  /// Handshakes turned away (CURVE keys), in all and per reason.
  std::uint64_t refused_handshakes_ = 0;
  std::map<std::string, std::uint64_t> refusals_;
  /// Requests made by workers that went missing after their last report:
  /// an estimate from their last rate (nothing reports them any more).
  std::int64_t unreported_estimate_ = 0;
  bool stopping_ = false;
  bool quit_started_ = false;
  bool ramp_active_ = false;  ///< a ramp coroutine is sending spawn messages
};

}  // namespace cicada
