#include "cicada/worker/worker_runner.hpp"

#include <netdb.h>
#include <unistd.h>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>
#include <random>

#include "cicada/core/clock.hpp"
#include "cicada/core/log_safe.hpp"
#include "cicada/core/process_usage.hpp"
#include "cicada/core/spawn.hpp"
#include "cicada/core/timer_wait.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/runner/user_class_settings.hpp"
#include "cicada/transport/dealer_client.hpp"
#include "cicada/web/log_history.hpp"

namespace cicada {
namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(5);  // Locust's CONNECT_TIMEOUT
constexpr int kConnectRetries = 60;                        // CONNECT_RETRY_COUNT
constexpr double kMasterHeartbeatTimeoutSeconds = 60;      // Locust's MASTER_HEARTBEAT_TIMEOUT
// Masters heartbeat every second: a worker that has heard nothing for this
// long is not ready (its readiness probe fails) well before it gives up.
constexpr double kMasterQuietSeconds = 10;
constexpr int kLogForwardSeconds = 10;        // Locust's WORKER_LOG_REPORT_INTERVAL
constexpr std::uint64_t kLogFloodLines = 70;  // more per interval ends forwarding

// Why `host` does not resolve, or "" when it does (or is an address).
std::string unresolvable_reason(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int error = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (found != nullptr) ::freeaddrinfo(found);
  return error == 0 ? std::string() : std::string(::gai_strerror(error));
}

}  // namespace

std::string WorkerRunner::make_node_id() {
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  std::random_device device;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string id = std::string(host) + "_";
  for (int i = 0; i < 32; ++i) id += "0123456789abcdef"[digit(device)];
  return id;
}

WorkerRunner::WorkerRunner(Environment& environment, std::string master_host,
                           std::uint16_t master_port, std::string node_id)
    : Runner(environment),
      pool_(environment),
      node_id_(node_id.empty() ? make_node_id() : std::move(node_id)),
      master_host_(master_host),
      master_port_(master_port),
      client_(std::make_unique<transport::DealerClient>(io_, node_id_)),
      ack_timer_(io_) {
  if (const auto& curve = environment.options().curve; curve.enabled()) {
    client_->use_curve({curve.secret_key, curve.master_public_key});
  }
  client_->on_refused([this](const std::string& reason) {
    // ZeroMQ retries the handshake about ten times a second: say it once,
    // then every 100th time.
    if (refused_handshakes_++ % 100 == 0) {
      spdlog::error("The master at {}:{} turned this worker away: {} ({} time{})", master_host_,
                    master_port_, reason, refused_handshakes_, refused_handshakes_ == 1 ? "" : "s");
    }
  });
  client_->connect(master_host, master_port);
  client_->start([this](proto::Envelope envelope) { on_envelope(std::move(envelope)); },
                 [this](const proto::ProtoError& error) {
                   if (bad_frames_++ % 100 == 0)
                     spdlog::warn("Undecodable message from the master: {}", error.message);
                 });
  user_error_listener_ =
      environment.events().user_error.add_listener([this](const UserErrorEvent& event) {
        record_exception(event.message, event.traceback, node_id_);
        send(proto::ExceptionReport{std::string(event.message), std::string(event.traceback)});
      });
  last_cpu_seconds_ = detail::process_cpu_seconds();
  last_cpu_sample_ = steady_seconds();
  spawn_logged(io_.get_executor(), connect_to_master(this), "connect to master");
}

WorkerRunner::~WorkerRunner() {
  environment_.events().user_error.remove_listener(user_error_listener_);
  ack_timer_.cancel();
  pool_.shutdown();
  finish_quit();
  client_->close();
  io_.restart();
  io_.poll();
}

bool WorkerRunner::ready() const {
  if (!connected_ || quitting()) return false;
  return last_master_heartbeat_ == 0 ||
         steady_seconds() - last_master_heartbeat_ < kMasterQuietSeconds;
}

void WorkerRunner::send(const proto::WorkerMessage& message) {
  client_->send(proto::to_envelope(message, node_id_));
}

awaitable<void> WorkerRunner::connect_to_master(WorkerRunner* runner) {
  co_await register_with_master(runner);
  if (!runner->connected_) co_return;
  runner->send_heartbeat();
  runner->send_report();
  runner->every(std::chrono::seconds(1), [runner] {
    runner->send_heartbeat();
    const double last = runner->last_master_heartbeat_;
    if (runner->connected_ && last > 0 &&
        steady_seconds() - last > kMasterHeartbeatTimeoutSeconds) {
      // Locust's workers quit here. The master may be restarting or being
      // replaced: stop loading the target for nobody and join whichever
      // master answers (register_with_master gives up after its retries).
      spdlog::error(
          "Didn't get heartbeat from master in over {}s: stopping the users and registering "
          "again",
          kMasterHeartbeatTimeoutSeconds);
      runner->connected_ = false;
      runner->last_master_heartbeat_ = 0;
      spawn_logged(runner->io_.get_executor(), run_stop(runner), "stop");
      spawn_logged(runner->io_.get_executor(), register_with_master(runner), "register");
    }
  });
  runner->every(std::chrono::seconds(3), [runner] { runner->send_report(); });
  runner->every(std::chrono::seconds(kLogForwardSeconds), [runner] { runner->forward_logs(); });
}

awaitable<void> WorkerRunner::register_with_master(WorkerRunner* runner) {
  // ZeroMQ resolves and retries in the background without a word: say it
  // here when the name itself is wrong.
  const std::string unresolvable = unresolvable_reason(runner->master_host_);
  if (!unresolvable.empty()) {
    spdlog::error("Cannot resolve the master's host '{}' ({}): check --master-host; retrying",
                  log_safe(runner->master_host_), unresolvable);
  }
  for (int attempt = 0; attempt <= kConnectRetries && !runner->connected_ && !runner->quitting();
       ++attempt) {
    runner->send(proto::ClientReady{std::string(kLocustVersion)});
    co_await wait_for(runner->ack_timer_, kConnectTimeout);
    if (!runner->connected_ && attempt >= 2) {
      spdlog::warn("Still waiting for the master at {}:{} to answer ({} of {} tries){}",
                   log_safe(runner->master_host_), runner->master_port_, attempt + 1,
                   kConnectRetries + 1,
                   unresolvable.empty() ? "" : ": its host name does not resolve");
    }
  }
  if (runner->quitting()) co_return;
  if (!runner->connected_) {
    spdlog::error("Failed to connect to the Locust master: no answer after {} tries",
                  kConnectRetries + 1);
    runner->connection_failed_ = true;
    runner->finish_quit();
    co_return;
  }
  spdlog::info("Connected to the master as worker {} ({})", runner->worker_index_,
               runner->node_id_);
}

// As Locust's workers do (>= 2.29): every 10 s, the whole buffer if it grew; after
// an interval with more than 70 new lines, the buffer once more and then no more.
// Only a cicada master is sent it: older Locust masters warn about the message.
void WorkerRunner::forward_logs() {
  if (!master_is_cicada_ || !forwarding_logs_) return;
  web::LogLines recent = web::recent_log_lines();
  if (recent.logged == logs_forwarded_) return;
  if (recent.logged - logs_forwarded_ > kLogFloodLines) {
    spdlog::warn("More than {} log lines in {} s: log forwarding to the master stops",
                 kLogFloodLines, kLogForwardSeconds);
    recent = web::recent_log_lines();
    forwarding_logs_ = false;
  }
  logs_forwarded_ = recent.logged;
  send(proto::Logs{node_id_, std::move(recent.lines)});
}

std::string WorkerRunner::worker_state_name() const {
  switch (worker_state_) {
    case WorkerState::kSpawning:
      return "spawning";
    case WorkerState::kRunning:
      return "running";
    case WorkerState::kReady:
      break;
  }
  return "ready";
}

void WorkerRunner::send_heartbeat() {
  const double now = steady_seconds();
  const double cpu = detail::process_cpu_seconds();
  if (now - last_cpu_sample_ >= 0.5) {
    cpu_percent_ = 100.0 * (cpu - last_cpu_seconds_) / (now - last_cpu_sample_);
    last_cpu_seconds_ = cpu;
    last_cpu_sample_ = now;
  }
  send(proto::WorkerHeartbeat{worker_state_name(), cpu_percent_, detail::process_rss_bytes()});
  environment_.events().heartbeat_sent.fire(node_id_, wall_seconds());
}

void WorkerRunner::announce_user_classes() {
  proto::Value::Array classes;
  for (const auto& user_class : environment_.user_classes()) {
    proto::Value entry = proto::make_map({{"name", user_class.name()},
                                          {"weight", user_class.weight()},
                                          {"fixed_count", user_class.fixed_count()}});
    if (user_class.open_model())
      entry.as_map()->push_back({proto::Value("arrival_rate"), proto::Value(true)});
    classes.push_back(std::move(entry));
  }
  send(proto::CustomMessage{"cicada_user_classes", proto::Value(std::move(classes))});
}

void WorkerRunner::send_report() {
  proto::Stats stats{environment_.stats().take_report()};
  for (const auto& [name, count] : pool_.counts())
    stats.report.user_classes_count.push_back({name, count});
  stats.report.user_count = pool_.size();
  environment_.events().report_to_master.fire(node_id_, stats.report.extra);
  send(stats);
}

void WorkerRunner::on_envelope(proto::Envelope envelope) {
  auto decoded = proto::decode_master_message(envelope);
  if (!decoded) {
    if (bad_frames_++ % 100 == 0) {
      spdlog::warn("Bad '{}' message from the master: {} ({} so far)", log_safe(envelope.type),
                   log_safe(decoded.error().message, 200), bad_frames_);
    }
    return;
  }
  std::visit(
      [this](auto& message) {
        using M = std::decay_t<decltype(message)>;
        if constexpr (std::is_same_v<M, proto::Ack>) {
          if (message.index) worker_index_ = *message.index;
          master_is_cicada_ = message.cicada.has_value();
          connected_ = true;
          ack_timer_.cancel();
          // A cicada master without -f learns the classes from this; Locust's
          // masters would warn about the message, so they are not sent it.
          if (master_is_cicada_) announce_user_classes();
        } else if constexpr (std::is_same_v<M, proto::MasterHeartbeat>) {
          last_master_heartbeat_ = steady_seconds();
        } else if constexpr (std::is_same_v<M, proto::Spawn>) {
          handle(message);
        } else if constexpr (std::is_same_v<M, proto::MasterSpawningComplete>) {
          set_state(RunnerState::kRunning);
          if (environment_.options().reset_stats) {
            spdlog::info("Resetting stats");
            environment_.reset_stats();
          }
          environment_.events().spawning_complete.fire(message.user_count);
        } else if constexpr (std::is_same_v<M, proto::Stop>) {
          spawn_logged(io_.get_executor(), run_stop(this), "stop");
        } else if constexpr (std::is_same_v<M, proto::Quit>) {
          spdlog::info("Got quit message from master, shutting down...");
          spawn_logged(io_.get_executor(), run_quit(this, true), "quit");
        } else if constexpr (std::is_same_v<M, proto::Reconnect>) {
          spdlog::warn("The master asked for a reconnect");
          client_->reconnect();
        } else if constexpr (std::is_same_v<M, proto::CustomMessage>) {
          auto handler = custom_handlers_.find(message.type);
          if (message.type == kUpdateUserClassMessage) {
            apply_user_class_settings(message.data);
          } else if (handler == custom_handlers_.end()) {
            if (unknown_types_++ % 100 == 0) {
              spdlog::warn("Unknown message type received: {} ({} so far)", log_safe(message.type),
                           unknown_types_);
            }
          } else {
            handler->second(message.data);
          }
        }
      },
      *decoded);
}

void WorkerRunner::apply_user_class_settings(const proto::Value& data) {
  // From a Locust master's web UI (its user-class editor) or a cicada master.
  // Bad settings are the master's user's mistake: say so, and keep running.
  try {
    const auto read = read_user_class_settings(data);
    for (const auto& key : read.ignored_keys) {
      spdlog::warn(
          "update_user_class for {}: ignoring '{}' (cicada sets host, weight, "
          "fixed_count and tasks)",
          log_safe(read.settings.user_class_name), log_safe(key));
    }
    environment_.update_user_class(read.settings);
    spdlog::info("Updated user class {} as the master asked",
                 log_safe(read.settings.user_class_name));
  } catch (const std::invalid_argument& e) {
    spdlog::warn("Could not apply the master's update_user_class: {}", log_safe(e.what()));
  }
}

void WorkerRunner::user_class_updated(const UserClassSettings& settings) {
  pool_.update_class(settings);
}

void WorkerRunner::adopt_master_options(const proto::Value& parsed_options) {
  // A master (Locust's or cicada's) sends its -T and -E in parsed_options; as
  // Locust's workers do, they replace the worker's own. A master without them
  // (nil or empty) leaves the worker's own -T/-E in force.
  const auto adopt = [&](const char* key, std::vector<std::string>& into) {
    const proto::Value* value = parsed_options.find(key);
    const auto* list = value ? value->as_array() : nullptr;
    if (list == nullptr || list->empty()) return;
    std::vector<std::string> names;
    for (const auto& item : *list) {
      if (const auto* name = item.as_string()) names.push_back(*name);
    }
    if (!names.empty() && names != into) {
      spdlog::info("Taking the master's {}: {}", key, fmt::join(names, ", "));
      into = std::move(names);
    }
  };
  adopt("tags", environment_.options().tags);
  adopt("exclude_tags", environment_.options().exclude_tags);
  // A test plugin's options take the master's values (Locust's workers take the master's
  // parsed_options whole); only options this worker's plugins declare.
  for (auto& [name, value] : environment_.options().custom_options) {
    const proto::Value* given = parsed_options.find(name);
    if (given == nullptr) continue;
    if (const auto* text = given->as_string(); text != nullptr && *text != value) {
      spdlog::info("Taking the master's {}: {}", name, *text);
      value = *text;
    }
  }
}

void WorkerRunner::handle(const proto::Spawn& spawn) {
  send(proto::Spawning{});
  if (spawn.timestamp <= last_spawn_timestamp_) {
    spdlog::warn("Discarded a spawn message with an old or repeated timestamp");
    return;
  }
  last_spawn_timestamp_ = spawn.timestamp;
  if (spawn.host) environment_.options().host = *spawn.host;
  environment_.options().stop_timeout_seconds = spawn.stop_timeout_seconds.value_or(0);
  adopt_master_options(spawn.parsed_options);
  if (worker_state_ != WorkerState::kSpawning && worker_state_ != WorkerState::kRunning) {
    environment_.stats().clear_all();
    exceptions_.clear();
    pool_.refilter_classes();  // the master's tags apply from this test on
    environment_.events().test_start.fire(environment_);
  }
  worker_state_ = WorkerState::kSpawning;
  set_state(RunnerState::kSpawning);
  std::map<std::string, std::int64_t> targets;
  for (const auto& entry : spawn.user_classes_count) targets[entry.class_name] = entry.count;
  try {
    pool_.apply_targets(targets);
  } catch (const std::invalid_argument& e) {
    // Locust's spawn job dies here; we say why and keep what we can run.
    spdlog::error("Cannot spawn what the master asked: {}", e.what());
    for (auto it = targets.begin(); it != targets.end();) {
      try {
        pool_.class_index(it->first);
        ++it;
      } catch (const std::invalid_argument&) {
        it = targets.erase(it);
      }
    }
    pool_.apply_targets(targets);
  }
  if (pool_.has_open_classes()) {
    if (const auto& share = spawn.cicada_arrival) {
      pool_.run_arrivals(share->elapsed_seconds, ArrivalShare{share->index, share->count});
    } else {
      if (!std::exchange(warned_unshared_arrivals_, true)) {
        spdlog::warn(
            "The master does not share out arrival rates (not a cicada master): this worker runs "
            "each arrival rate in full");
      }
      pool_.run_arrivals(0);
    }
  }
  spawn_logged(io_.get_executor(), run_spawn(this, ++spawn_generation_), "spawn");
}

awaitable<void> WorkerRunner::run_spawn(WorkerRunner* runner, std::uint64_t generation) {
  if (runner->pool_.stops_pending()) co_await UserPool::wait_for_stopped(&runner->pool_);
  if (generation != runner->spawn_generation_ || runner->worker_state_ != WorkerState::kSpawning)
    co_return;
  proto::WorkerSpawningComplete complete;
  for (const auto& [name, count] : runner->pool_.counts())
    complete.user_classes_count.push_back({name, count});
  complete.user_count = runner->pool_.size();
  std::string counts;
  for (const auto& entry : complete.user_classes_count) {
    counts += (counts.empty() ? "" : ", ") + entry.class_name + ": " + std::to_string(entry.count);
  }
  spdlog::info("Spawned {{{}}} ({} users)", counts, complete.user_count);
  runner->send(complete);
  runner->worker_state_ = WorkerState::kRunning;
  runner->set_state(RunnerState::kRunning);
}

awaitable<void> WorkerRunner::run_stop(WorkerRunner* runner) {
  Environment& environment = runner->environment_;
  environment.events().test_stopping.fire(environment);
  ++runner->spawn_generation_;
  runner->set_state(RunnerState::kCleanup);
  runner->pool_.mark_all_for_stop();
  co_await UserPool::wait_for_stopped(&runner->pool_);
  runner->set_state(RunnerState::kStopped);
  environment.events().test_stop.fire(environment);
  runner->send(proto::ClientStopped{});
  runner->send(proto::ClientReady{std::string(kLocustVersion)});
  runner->worker_state_ = WorkerState::kReady;
}

awaitable<void> WorkerRunner::run_quit(WorkerRunner* runner, bool tell_master) {
  if (runner->quit_started_) co_return;
  runner->quit_started_ = true;
  ++runner->spawn_generation_;
  runner->pool_.mark_all_for_stop();
  co_await UserPool::wait_for_stopped(&runner->pool_);
  runner->set_state(RunnerState::kStopped);
  if (runner->connected_) {
    runner->send_report();
    if (tell_master) runner->send(proto::Quit{});
  }
  runner->client_->close(std::chrono::milliseconds(1000));  // let the last messages leave
  runner->finish_quit();
}

void WorkerRunner::start(std::int64_t, double, std::optional<std::vector<std::string>>) {
  spdlog::warn("A worker does not start tests: the master does");
}

void WorkerRunner::stop() {
  spawn_logged(io_.get_executor(), run_stop(this), "stop");
}

void WorkerRunner::quit() {
  spawn_logged(io_.get_executor(), run_quit(this, true), "quit");
}

void WorkerRunner::register_message(const std::string& type,
                                    std::function<void(const proto::Value&)> handler) {
  if (!custom_handlers_.emplace(type, std::move(handler)).second) {
    throw std::logic_error("a handler for message type '" + type + "' is already registered");
  }
}

void WorkerRunner::send_message(const std::string& type, proto::Value data) {
  send(proto::CustomMessage{type, std::move(data)});
}

}  // namespace cicada

namespace cicada {

WorkerRunner& Environment::create_worker_runner(const std::string& master_host,
                                                std::uint16_t master_port) {
  return attach_runner(std::make_unique<WorkerRunner>(*this, master_host, master_port));
}

}  // namespace cicada
