#include "cicada/master/master_runner.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>

#include <algorithm>
#include <cstdio>

#include "cicada/core/clock.hpp"
#include "cicada/core/log_safe.hpp"
#include "cicada/core/spawn.hpp"
#include "cicada/core/timer_wait.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/runner/user_class_settings.hpp"
#include "cicada/transport/curve_keys.hpp"
#include "cicada/transport/router_server.hpp"

namespace cicada {
namespace {

constexpr double kHeartbeatSeconds = 1;  // Locust's HEARTBEAT_INTERVAL
// A worker silent this long is missing (Locust: HEARTBEAT_LIVENESS beats,
// counted once a second, so 3-4 s); checked 4 times a second, so 3-3.25 s.
constexpr double kMissingAfterSeconds = 3 * kHeartbeatSeconds;
constexpr double kLivenessCheckSeconds = 0.25;
// A missing worker is forgotten after this much more silence (HEARTBEAT_DEAD_INTERNAL).
constexpr double kForgetMissingAfterSeconds = 60;
constexpr double kCpuWarningPercent = 90;  // Locust's CPU warning threshold
constexpr const char* kUserClassesMessage = "cicada_user_classes";
// What a cicada master says in its acks' "cicada" key: the version of cicada's
// additions to Locust's protocol (forwarded logs, exact histograms).
constexpr const char* kCicadaProtocol = "1";
// An unregistered node is asked to register at most this often, and at most
// this many are remembered (a flood of made-up identities stays bounded).
constexpr double kRegisterAskSeconds = 5;
constexpr std::size_t kMaxUnregisteredRemembered = 4096;
// Workers' messages are read in batches at most this old: at 5,000 workers
// (some 7,000 messages a second) that is one wake-up per ~35 messages
// instead of one per message or two, which saves the master most of its
// system calls. Heartbeats are judged in seconds, so 5 ms later is nothing.
constexpr std::chrono::milliseconds kReceiveBatch{5};

/// True when `version` ("2.46.3") is at least major.minor. Unknown ("") is not.
bool version_at_least(const std::string& version, int major, int minor) {
  int got_major = 0;
  int got_minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &got_major, &got_minor) != 2) return false;
  return got_major > major || (got_major == major && got_minor >= minor);
}

}  // namespace

MasterRunner::MasterRunner(Environment& environment, const std::string& bind_host,
                           std::uint16_t bind_port)
    : Runner(environment),
      server_(std::make_unique<transport::RouterServer>(io_)),
      ramp_timer_(io_) {
  for (const auto& user_class : environment.user_classes()) {
    if (user_class.open_model()) {
      open_classes_.push_back(user_class.name());
    } else {
      classes_.push_back({user_class.name(), user_class.weight(), user_class.fixed_count()});
    }
  }
  server_->on_refused([this](const std::string& reason) { on_refused_handshake(reason); });
  if (const auto& curve = environment.options().curve; curve.enabled()) {
    // The master's own key is accepted too: its --processes workers use it,
    // and whoever holds the master's secret key can be the master anyway.
    auto authorized = curve.authorized_keys;
    authorized.push_back(transport::curve_public_key(curve.secret_key));
    server_->require_curve(curve.secret_key, authorized);
  }
  port_ = server_->bind(bind_host, bind_port);
  server_->set_receive_batching(kReceiveBatch);
  server_->start_raw(
      [this](std::string_view identity, std::string_view bytes) { on_raw_frame(identity, bytes); });
  every(std::chrono::duration<double>(kLivenessCheckSeconds), [this] { tick(); });
}

MasterRunner::~MasterRunner() {
  ++ramp_generation_;
  ramp_timer_.cancel();
  finish_quit();
  server_->close();
  io_.restart();
  io_.poll();
}

std::int64_t MasterRunner::user_count() const {
  return workers_.user_count();
}

std::int64_t MasterRunner::dispatched_user_count() const {
  std::int64_t total = 0;
  for (const auto& [id, node] : workers_.nodes()) {
    for (const auto& [name, count] : node.user_classes_count) {
      if (std::find(open_classes_.begin(), open_classes_.end(), name) == open_classes_.end())
        total += count;
    }
  }
  return total;
}

std::map<std::string, std::int64_t> MasterRunner::user_classes_count() const {
  std::map<std::string, std::int64_t> counts;
  for (const auto& user_class : classes_) counts[user_class.name] = 0;
  for (const auto& [id, node] : workers_.nodes()) {
    if (!is_active(node)) continue;
    for (const auto& [name, count] : node.user_classes_count) counts[name] += count;
  }
  return counts;
}

std::int64_t MasterRunner::worker_count() const {
  return workers_.active_count();
}

std::vector<WorkerSummary> MasterRunner::worker_summaries() const {
  std::vector<WorkerSummary> summaries;
  summaries.reserve(workers_.size());
  for (const auto& [id, node] : workers_.nodes()) {
    summaries.push_back({id, node.state, users_of(node), node.cpu_percent, node.memory_bytes});
  }
  return summaries;
}

void MasterRunner::send_to(const std::string& id, const proto::MasterMessage& message) {
  server_->send(proto::to_envelope(message, id));
}

double MasterRunner::next_timestamp() {
  // Workers discard a spawn whose timestamp is not newer than the last one.
  last_timestamp_ = std::max(wall_seconds(), last_timestamp_ + 1e-6);
  return last_timestamp_;
}

void MasterRunner::on_bad_frame(std::string_view identity, const proto::ProtoError& error) {
  if (bad_frames_++ % 100 == 0) {
    spdlog::warn("Unrecognized message from {}: {} ({} so far)", log_safe(identity),
                 log_safe(error.message, 200), bad_frames_);
  }
  // Locust asks a known worker that sent garbage to reconnect.
  if (WorkerNode* known = workers_.find(identity)) send_to(known->id, proto::Reconnect{});
}

void MasterRunner::on_raw_frame(std::string_view identity, std::string_view bytes) {
  // Most of what thousands of workers send: a stats report, read in one pass
  // into one reused report.
  if (const auto node_id = proto::read_stats_frame(bytes, report_)) {
    return handle_stats(*node_id, report_);
  }
  // And a heartbeat from each of them every second.
  if (const auto node_id = proto::read_heartbeat_frame(bytes, heartbeat_)) {
    return handle_heartbeat(*node_id, heartbeat_);
  }
  auto frame = proto::split_envelope(bytes);
  if (!frame) return on_bad_frame(identity, frame.error());
  on_frame(identity, *frame);
}

void MasterRunner::on_frame(std::string_view identity, const proto::EnvelopeView& frame) {
  if (frame.type == proto::Stats::kType) {
    // One the one-pass reader declined: this reader, or the general one, explains.
    if (auto read = proto::decode_stats_report(frame.data, report_); !read) {
      return on_bad_frame(identity, read.error());
    }
    return handle_stats(frame.node_id, report_);
  }
  auto envelope = proto::decode_envelope(frame);
  if (!envelope) return on_bad_frame(identity, envelope.error());
  on_message(std::string(identity), std::move(*envelope));
}

void MasterRunner::on_message(const std::string& identity, proto::Envelope envelope) {
  auto decoded = proto::decode_worker_message(envelope);
  if (!decoded) {
    on_bad_frame(identity, decoded.error());
    return;
  }
  // Registration goes by the ZeroMQ identity, everything else by the envelope's node id (as
  // Locust).
  const std::string& id =
      std::holds_alternative<proto::ClientReady>(*decoded) ? identity : envelope.node_id;
  handle_worker_message(id, *decoded);
}

void MasterRunner::handle_worker_message(const std::string& id, proto::WorkerMessage& message) {
  WorkerNode* known = workers_.find(id);
  std::visit(
      [&](auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, proto::ClientReady>) {
          const auto [index_it, fresh] =
              indexes_.try_emplace(id, static_cast<std::int64_t>(indexes_.size()));
          send_to(id, proto::Ack{index_it->second, std::string(kCicadaProtocol)});
          unregistered_.erase(id);
          WorkerNode node;
          node.id = id;
          node.index = index_it->second;
          node.version = m.version.value_or("-1");
          node.expects_heartbeat_reply = version_at_least(node.version, 2, 19);
          node.last_heartbeat_at = steady_seconds();  // registering is a sign of life
          if (node.version.empty())
            spdlog::debug("Worker {} did not say its version (Debian's Locust)", log_safe(id));
          const bool was_known = known != nullptr;
          workers_.put(std::move(node));
          if (fresh || !was_known) {
            spdlog::info("Worker {} (index {}) reported as ready. {} workers connected.",
                         log_safe(id), index_it->second, worker_count());
          }
          environment_.events().worker_connect.fire(id);
          if (dispatcher_) {
            dispatcher_->add_worker(id);
            // A ramp still sending picks the rebalance up by itself; otherwise
            // (running, or waiting for the last spawning_complete) start one.
            if (dispatching() && !ramp_active_) redispatch();
          } else if (dispatching() && classes_.empty()) {
            spread_arrivals_only();  // the newcomer takes its share of the arrival rates
          }
        } else if constexpr (std::is_same_v<M, proto::WorkerHeartbeat>) {
          handle_heartbeat(id, m);
        } else if constexpr (std::is_same_v<M, proto::Spawning>) {
          if (known == nullptr) return on_unregistered(id, M::kType, 0);
          workers_.set_state(*known, "spawning");
        } else if constexpr (std::is_same_v<M, proto::WorkerSpawningComplete>) {
          if (known == nullptr) return on_unregistered(id, M::kType, 0);
          workers_.set_state(*known, "running");
          workers_.set_class_counts(*known, m.user_classes_count);
        } else if constexpr (std::is_same_v<M, proto::Stats>) {
          handle_stats(id, m.report);
        } else if constexpr (std::is_same_v<M, proto::ExceptionReport>) {
          if (known == nullptr) return on_unregistered(id, M::kType, 0);
          record_exception(m.msg, m.traceback, id);
        } else if constexpr (std::is_same_v<M, proto::ClientStopped>) {
          if (known == nullptr) return;
          remove_worker(id, true);
        } else if constexpr (std::is_same_v<M, proto::Quit>) {
          if (known == nullptr) return;
          spdlog::info("Worker {} quit. {} workers left.", log_safe(id), worker_count() - 1);
          remove_worker(id, true);
          const bool rebalance = dispatcher_ ? !ramp_active_ : classes_.empty();
          if (rebalance && dispatching() && worker_count() > 0) redispatch();
          if (worker_count() == 0 && on_no_workers_) on_no_workers_();
        } else if constexpr (std::is_same_v<M, proto::Logs>) {
          // Each message carries the worker's whole buffer; Locust keys it by the id inside.
          worker_logs_[m.worker_id] = std::move(m.logs);
        } else if constexpr (std::is_same_v<M, proto::CustomMessage>) {
          if (m.type == kUserClassesMessage) {
            learn_classes(m.data);
            return;
          }
          auto handler = custom_handlers_.find(m.type);
          if (handler == custom_handlers_.end()) {
            if (unknown_types_++ % 100 == 0) {
              spdlog::warn("Unknown message type received from worker {}: {} ({} so far)",
                           log_safe(id), log_safe(m.type), unknown_types_);
            }
          } else {
            handler->second(id, m.data);
          }
        }
      },
      message);
}

void MasterRunner::handle_heartbeat(std::string_view id, const proto::WorkerHeartbeat& heartbeat) {
  WorkerNode* known = workers_.find(id);
  if (known == nullptr) return on_unregistered(id, proto::WorkerHeartbeat::kType, 0);
  WorkerNode& node = *known;
  workers_.heard_from(node, steady_seconds());
  if (node.state == "missing") {
    // Back: its queued reports arrive, so its requests are not lost after all.
    unreported_estimate_ -= node.unreported_estimate;
    node.unreported_estimate = 0;
    spdlog::info("Worker {} self-healed with heartbeat, setting state to {}.", log_safe(id),
                 log_safe(heartbeat.state));
    if (dispatcher_) dispatcher_->add_worker(node.id);
    workers_.set_state(node, heartbeat.state);
    if (dispatching()) redispatch();
  }
  const bool idle = heartbeat.state == "stopped" || heartbeat.state == "cleanup";
  workers_.set_state(node, idle ? "ready" : heartbeat.state);
  node.cpu_percent = heartbeat.current_cpu_usage_percent;
  if (node.cpu_percent > kCpuWarningPercent && !node.cpu_warning_logged) {
    node.cpu_warning_logged = true;
    spdlog::warn("Worker {} exceeded cpu threshold (will only log this once per worker)",
                 log_safe(id));
  }
  if (heartbeat.current_memory_usage_bytes)
    node.memory_bytes = *heartbeat.current_memory_usage_bytes;
  if (node.expects_heartbeat_reply) send_to(node.id, proto::MasterHeartbeat{});
  environment_.events().heartbeat_received.fire(id, wall_seconds());
}

void MasterRunner::on_unregistered(std::string_view node_id, std::string_view type,
                                   std::int64_t requests) {
  const std::string id(node_id);
  ++unregistered_messages_;
  unregistered_requests_ += requests;
  if (unregistered_.size() >= kMaxUnregisteredRemembered) unregistered_.clear();
  const auto [asked, first] = unregistered_.try_emplace(id, 0.0);
  if (first) {
    spdlog::warn(
        "Refused a '{}' message from {}, which is not a registered worker{}; asking it to "
        "register (a worker of an earlier master re-registers, its users restart)",
        type, log_safe(id),
        requests > 0 ? fmt::format(" ({} requests not merged)", requests) : std::string());
  }
  // Locust's `stop` makes a worker (cicada's or Locust's) stop its users and
  // send client_ready again: the way to join a master it never met.
  const double now = steady_seconds();
  if (now - asked->second >= kRegisterAskSeconds) {
    asked->second = now;
    send_to(id, proto::Stop{});
  }
}

void MasterRunner::on_refused_handshake(const std::string& reason) {
  ++refused_handshakes_;
  // A turned-away worker retries about ten times a second: each distinct
  // refusal is said once, then every 100th time with its count.
  if (refusals_.size() >= kMaxUnregisteredRemembered) refusals_.clear();
  const std::uint64_t seen = ++refusals_[reason];
  if (seen == 1 || seen % 100 == 0) {
    spdlog::warn("{} ({} time{})", reason, seen, seen == 1 ? "" : "s");
  }
}

void MasterRunner::learn_classes(const proto::Value& data) {
  if (!classes_.empty() || !open_classes_.empty()) return;  // the master's own -f wins
  const auto* list = data.as_array();
  if (list == nullptr) return;
  for (const auto& item : *list) {
    const auto* name = item.find("name") ? item.find("name")->as_string() : nullptr;
    if (name == nullptr) continue;
    if (const auto* open = item.find("arrival_rate"); open && open->as_bool() && *open->as_bool()) {
      open_classes_.push_back(*name);
      continue;
    }
    DispatchUserClass user_class{*name, 1, 0};
    if (const auto* weight = item.find("weight"))
      user_class.weight = weight->as_double().value_or(1);
    if (const auto* fixed = item.find("fixed_count"))
      user_class.fixed_count = fixed->as_int().value_or(0);
    classes_.push_back(user_class);
  }
  spdlog::info("Learned {} user classes from a worker", classes_.size() + open_classes_.size());
}

bool MasterRunner::has_user_class(const std::string& name) const {
  return std::any_of(classes_.begin(), classes_.end(),
                     [&](const DispatchUserClass& c) { return c.name == name; }) ||
         std::find(open_classes_.begin(), open_classes_.end(), name) != open_classes_.end();
}

void MasterRunner::user_class_updated(const UserClassSettings& settings) {
  // A class learned from workers was not checked by the environment.
  if (settings.weight && !(*settings.weight >= 0))
    throw std::invalid_argument("user class " + settings.user_class_name + ": weight must be >= 0");
  if (settings.fixed_count && *settings.fixed_count < 0) {
    throw std::invalid_argument("user class " + settings.user_class_name +
                                ": fixed_count must be >= 0");
  }
  for (auto& user_class : classes_) {
    if (user_class.name != settings.user_class_name) continue;
    // The dispatcher of a running test keeps its weights, as Locust's does:
    // these count from the next test.
    if (settings.weight) user_class.weight = *settings.weight;
    if (settings.fixed_count) user_class.fixed_count = *settings.fixed_count;
  }
  send_message(std::string(kUpdateUserClassMessage), to_value(settings));
}

void MasterRunner::handle_stats(std::string_view id, const proto::StatsReport& report) {
  // Only a registered worker's numbers count: a stray or forged report (an old
  // master's worker, anyone who can reach the port) is refused.
  WorkerNode* known = workers_.find(id);
  if (known == nullptr) {
    return on_unregistered(id, proto::Stats::kType, report.stats_total.num_requests);
  }
  environment_.stats().merge_report(report);
  environment_.events().worker_report.fire(id, report.extra);
  WorkerNode& node = *known;
  const double now = steady_seconds();
  if (node.last_report_at > 0 && now > node.last_report_at) {
    node.requests_per_second =
        static_cast<double>(report.stats_total.num_requests) / (now - node.last_report_at);
  }
  node.last_report_at = now;
  workers_.set_class_counts(node, report.user_classes_count);
}

void MasterRunner::remove_worker(const std::string& id, bool deleted) {
  if (deleted) workers_.erase(id);
  if (dispatcher_) dispatcher_->remove_worker(id);
}

void MasterRunner::tick() {
  // Workers told to quit fall silent as they leave, and with thousands some
  // are heard only seconds later: run_quit waits for them, none is missing.
  if (quit_sent_) return;
  std::vector<std::string> gone;
  bool lost = false;
  const double now = steady_seconds();
  // Only the silent ones: the rest were heard from within the last few seconds.
  for (WorkerNode* node : workers_.silent_since(now - kMissingAfterSeconds)) {
    const double silent = now - node->last_heartbeat_at;
    if (node->state == "missing") {
      if (silent > kMissingAfterSeconds + kForgetMissingAfterSeconds) gone.push_back(node->id);
      continue;
    }
    spdlog::info("Worker {} failed to send heartbeat, setting state to missing.",
                 log_safe(node->id));
    warn_unreported(*node);
    workers_.set_state(*node, "missing");
    workers_.set_class_counts(*node, {});
    if (dispatcher_) dispatcher_->remove_worker(node->id);
    lost = true;
  }
  for (const auto& id : gone) workers_.erase(id);
  if (!lost && gone.empty()) return;
  if (worker_count() == 0) {
    spdlog::warn("The last worker went missing, stopping test.");
    if (dispatching()) stop();
    if (on_no_workers_) on_no_workers_();
    return;
  }
  // Unlike Locust (which waits ~65 s, or needs --enable-rebalancing), the
  // users of a missing worker move to the others at once.
  if (dispatching()) redispatch();
}

void MasterRunner::redispatch() {
  // The dispatcher already holds the rebalanced distribution (add/remove_worker):
  // a new dispatch sends it at once and keeps every running user where it is
  // wanted, instead of ramping again from zero.
  start(target_user_count_, spawn_rate_);
}

void MasterRunner::start(std::int64_t user_count, double spawn_rate,
                         std::optional<std::vector<std::string>> user_classes) {
  if (quitting() || stopping_) return;
  for (const auto& name : user_classes.value_or(std::vector<std::string>{})) {
    if (!has_user_class(name)) throw std::invalid_argument("unknown user class '" + name + "'");
  }
  if (worker_count() == 0) {
    spdlog::warn(
        "You can't start a distributed test before at least one worker processes has connected");
    return;
  }
  if (classes_.empty() && open_classes_.empty()) {
    spdlog::warn(
        "No user classes known: give the master -f, or connect cicada workers that announce "
        "theirs");
    return;
  }
  if (state() != RunnerState::kSpawning && state() != RunnerState::kRunning) {
    environment_.stats().clear_all();
    exceptions_.clear();
    test_started_at_ = steady_seconds();
    environment_.events().test_start.fire(environment_);
  }
  if (classes_.empty()) {
    spread_arrivals_only();
    return;
  }
  if (!dispatcher_) {
    std::vector<std::string> ids;
    for (const auto& [id, node] : workers_.nodes()) {
      if (is_active(node)) ids.push_back(id);
    }
    dispatcher_ = std::make_unique<UsersDispatcher>(std::move(ids), classes_);
  }
  target_user_count_ = user_count;
  spawn_rate_ = spawn_rate;
  set_state(RunnerState::kSpawning);
  ++ramp_generation_;
  ramp_timer_.cancel();
  dispatcher_->new_dispatch(user_count, spawn_rate, user_classes);
  spdlog::info("Ramping to {} users at a rate of {:.2f} per second", user_count, spawn_rate);
  ramp_active_ = true;
  spawn_logged(io_.get_executor(), run_ramp(this, ramp_generation_), "ramp");
}

awaitable<void> MasterRunner::run_ramp(MasterRunner* runner, std::uint64_t generation) {
  while (generation == runner->ramp_generation_ && runner->dispatcher_) {
    auto step = runner->dispatcher_->next(steady_seconds());
    if (step.kind == UsersDispatcher::Step::Kind::kDone) break;
    if (step.kind == UsersDispatcher::Step::Kind::kWait) {
      co_await wait_for(runner->ramp_timer_, std::chrono::duration<double>(step.wait_seconds));
      continue;
    }
    const auto& distribution = step.distribution;
    for (std::size_t w = 0; w < distribution.worker_ids.size(); ++w) {
      proto::Spawn spawn;
      spawn.timestamp = runner->next_timestamp();
      for (std::size_t c = 0; c < distribution.class_names.size(); ++c) {
        spawn.user_classes_count.push_back(
            {distribution.class_names[c], distribution.counts[w][c]});
      }
      spawn.host = runner->spawn_host();
      spawn.stop_timeout_seconds = runner->environment_.options().stop_timeout_seconds;
      spawn.parsed_options = runner->parsed_options_;
      spawn.cicada_arrival = runner->arrival_assignment(w, distribution.worker_ids.size());
      runner->send_to(distribution.worker_ids[w], spawn);
    }
  }
  if (generation != runner->ramp_generation_) co_return;
  runner->ramp_active_ = false;
  // Give the workers a moment to report the users they started (Locust waits up to 1 s).
  const double deadline = steady_seconds() + 1.0;
  while (runner->dispatched_user_count() != runner->target_user_count_ &&
         steady_seconds() < deadline) {
    co_await wait_for(runner->ramp_timer_, std::chrono::milliseconds(10));
    if (generation != runner->ramp_generation_) co_return;
  }
  spdlog::info("All users spawned: {} ({} total users)",
               format_class_counts(runner->user_classes_count()), runner->user_count());
  if (runner->dispatched_user_count() < runner->target_user_count_) {
    // A worker that was given users and never reported them: a test must not
    // quietly run with fewer users than it says.
    std::string silent;
    for (const auto& [id, node] : runner->workers_.nodes()) {
      if (is_active(node) && node.user_classes_count.empty())
        silent += (silent.empty() ? "" : ", ") + log_safe(id);
    }
    spdlog::warn("Only {} of {} users are confirmed running{}", runner->dispatched_user_count(),
                 runner->target_user_count_,
                 silent.empty() ? "" : "; no users reported by: " + silent);
  }
  runner->set_state(RunnerState::kRunning);
  if (runner->environment_.options().reset_stats) {
    spdlog::info("Resetting stats");
    runner->environment_.reset_stats();
  }
  runner->environment_.events().spawning_complete.fire(runner->target_user_count_);
  for (const auto& [id, node] : runner->workers_.nodes()) {
    if (version_at_least(node.version, 2, 29))
      runner->send_to(id, proto::MasterSpawningComplete{runner->target_user_count_});
  }
}

std::optional<proto::ArrivalAssignment> MasterRunner::arrival_assignment(std::size_t index,
                                                                         std::size_t count) const {
  if (open_classes_.empty()) return std::nullopt;
  return proto::ArrivalAssignment{steady_seconds() - test_started_at_,
                                  static_cast<std::int64_t>(index),
                                  static_cast<std::int64_t>(count)};
}

void MasterRunner::spread_arrivals_only() {
  std::vector<std::string> ids;
  for (const auto& [id, node] : workers_.nodes()) {
    if (is_active(node)) ids.push_back(id);
  }
  target_user_count_ = 0;
  set_state(RunnerState::kSpawning);
  for (std::size_t w = 0; w < ids.size(); ++w) {
    proto::Spawn spawn;
    spawn.timestamp = next_timestamp();
    spawn.host = spawn_host();
    spawn.stop_timeout_seconds = environment_.options().stop_timeout_seconds;
    spawn.parsed_options = parsed_options_;
    spawn.cicada_arrival = arrival_assignment(w, ids.size());
    send_to(ids[w], spawn);
  }
  spdlog::info("Arrival rates spread over {} workers", ids.size());
  set_state(RunnerState::kRunning);
  environment_.events().spawning_complete.fire(0);
}

void MasterRunner::warn_unreported(WorkerNode& node) {
  if (node.last_report_at <= 0) return;
  // It made requests until it died, reported them until its last report, and
  // died on average half a heartbeat interval after its last heartbeat.
  const double unreported_for =
      std::max(0.0, node.last_heartbeat_at - node.last_report_at) + kHeartbeatSeconds / 2;
  node.unreported_estimate =
      static_cast<std::int64_t>(node.requests_per_second * unreported_for + 0.5);
  unreported_estimate_ += node.unreported_estimate;
  spdlog::warn(
      "Worker {} went unreported for {:.1f} s before it went missing: about {} requests it made "
      "then ({:.0f}/s) are not counted, unless it comes back and reports them",
      log_safe(node.id), unreported_for, node.unreported_estimate, node.requests_per_second);
}

bool MasterRunner::dispatching() const {
  return state() == RunnerState::kSpawning || state() == RunnerState::kRunning;
}

std::optional<std::string> MasterRunner::spawn_host() const {
  // Workers take the master's host (a Locust worker even replaces its own -H
  // with it), so send -H, or the host every user class shares.
  if (environment_.options().host) return environment_.options().host;
  std::optional<std::string> shared;
  for (const auto& user_class : environment_.user_classes()) {
    if (!user_class.host() || (shared && *shared != *user_class.host())) return std::nullopt;
    shared = user_class.host();
  }
  return shared;
}

void MasterRunner::stop() {
  end_shape();
  spawn_logged(io_.get_executor(), run_stop(this), "stop");
}

awaitable<void> MasterRunner::run_stop(MasterRunner* runner) {
  const RunnerState state = runner->state();
  if (state != RunnerState::kSpawning && state != RunnerState::kRunning) co_return;
  Environment& environment = runner->environment_;
  environment.events().test_stopping.fire(environment);
  runner->stopping_ = true;
  ++runner->ramp_generation_;
  runner->ramp_active_ = false;
  runner->ramp_timer_.cancel();
  runner->dispatcher_.reset();
  runner->set_state(RunnerState::kStopping);
  for (const auto& [id, node] : runner->workers_.nodes()) runner->send_to(id, proto::Stop{});
  // Wait until the workers report their users gone (Locust: stop_timeout + 60 s).
  const double deadline = steady_seconds() + environment.options().stop_timeout_seconds + 60;
  while (runner->user_count() > 0 && steady_seconds() < deadline && !runner->quitting()) {
    co_await wait_for(runner->ramp_timer_, std::chrono::milliseconds(50));
  }
  runner->stopping_ = false;
  runner->set_state(RunnerState::kStopped);
  environment.events().test_stop.fire(environment);
}

void MasterRunner::quit() {
  // The run time and the last worker leaving can both ask: one quit is enough.
  if (quit_started_) return;
  quit_started_ = true;
  end_shape();
  spawn_logged(io_.get_executor(), run_quit(this), "quit");
}

awaitable<void> MasterRunner::run_quit(MasterRunner* runner) {
  runner->stopping_ = true;  // no more ramps while the workers leave
  ++runner->ramp_generation_;
  runner->ramp_timer_.cancel();
  const bool was_running =
      runner->state() == RunnerState::kSpawning || runner->state() == RunnerState::kRunning;
  // As Locust's quit: listeners learn the test is ending before the workers do.
  if (was_running) runner->environment_.events().test_stopping.fire(runner->environment_);
  // Nothing is dispatched any more: leaving workers must not rebalance anything.
  runner->dispatcher_.reset();
  runner->quit_sent_ = true;
  for (const auto& [id, node] : runner->workers_.nodes()) runner->send_to(id, proto::Quit{});
  // Workers answer quit with a last stats report. Wait while they keep leaving
  // (thousands take a moment), and 2 s at most for one that says nothing, as Locust does.
  const double give_up = steady_seconds() + 30.0;
  double deadline = steady_seconds() + 2.0;
  std::int64_t left = runner->worker_count();
  while (left > 0 && steady_seconds() < std::min(deadline, give_up)) {
    co_await wait_for(runner->ramp_timer_, std::chrono::milliseconds(20));
    const std::int64_t now_left = runner->worker_count();
    if (now_left < left) deadline = steady_seconds() + 2.0;
    left = now_left;
  }
  runner->set_state(RunnerState::kStopped);
  if (was_running) runner->environment_.events().test_stop.fire(runner->environment_);
  if (runner->unreported_estimate_ > 0) {
    spdlog::warn(
        "Workers that went missing took about {} unreported requests with them: the statistics "
        "count fewer requests than were made",
        runner->unreported_estimate_);
  }
  // The warnings above are rate-limited: the totals say how much was refused.
  if (runner->bad_frames_ + runner->unknown_types_ + runner->unregistered_messages_ +
          runner->refused_handshakes_ >
      0) {
    spdlog::warn(
        "Refused in all: {} handshakes, {} undecodable messages, {} messages of unknown types, "
        "{} messages from unregistered nodes ({} requests in their reports, not counted)",
        runner->refused_handshakes_, runner->bad_frames_, runner->unknown_types_,
        runner->unregistered_messages_, runner->unregistered_requests_);
  }
  runner->finish_quit();
}

void MasterRunner::register_message(
    const std::string& type, std::function<void(const std::string&, const proto::Value&)> handler) {
  if (!custom_handlers_.emplace(type, std::move(handler)).second) {
    throw std::logic_error("a handler for message type '" + type + "' is already registered");
  }
}

void MasterRunner::send_message(const std::string& type, proto::Value data,
                                const std::string& worker_id) {
  if (!worker_id.empty()) {
    send_to(worker_id, proto::CustomMessage{type, std::move(data)});
    return;
  }
  for (const auto& [id, node] : workers_.nodes()) send_to(id, proto::CustomMessage{type, data});
}

}  // namespace cicada

namespace cicada {

MasterRunner& Environment::create_master_runner(const std::string& bind_host,
                                                std::uint16_t bind_port) {
  return attach_runner(std::make_unique<MasterRunner>(*this, bind_host, bind_port));
}

}  // namespace cicada
