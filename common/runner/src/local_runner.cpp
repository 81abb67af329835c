#include "cicada/runner/local_runner.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/asio/redirect_error.hpp>
#include <spdlog/spdlog.h>

#include "cicada/core/spawn.hpp"
#include "cicada/model/task_loop.hpp"
#include "cicada/runner/environment.hpp"

namespace cicada {
namespace {

constexpr const char* kLocalWorker = "local";

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::chrono::steady_clock::duration to_steady(double seconds) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(seconds));
}

// SplitMix64: spreads one seed into independent per-user seeds.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// How long killed users get to unwind before we stop waiting for them.
constexpr double kKillGraceSeconds = 10;

}  // namespace

LocalRunner::LocalRunner(Environment& environment)
    : Runner(environment), ramp_timer_(io_), stop_waiter_(io_) {
  user_error_listener_ = environment.events().user_error.add_listener(
      [this](const UserErrorEvent& event) {
        record_exception(event.message, event.traceback, kLocalWorker);
      });
}

LocalRunner::~LocalRunner() {
  environment_.events().user_error.remove_listener(user_error_listener_);
  // Kill whatever still runs and let the coroutines unwind before the users go.
  ++ramp_generation_;
  ramp_timer_.cancel();
  stop_waiter_.cancel();
  for (auto& slot : slots_) slot.user->kill();
  io_.restart();
  for (int round = 0; round < 1000 && !slots_.empty(); ++round) {
    io_.run_for(std::chrono::milliseconds(10));
  }
  finish_quit();
  io_.restart();
  io_.poll();
}

void LocalRunner::prepare_classes() {
  if (!classes_.empty()) return;
  const auto& options = environment_.options();
  for (const auto& user_class : environment_.user_classes()) {
    auto copy = std::make_unique<UserClass>(user_class);
    if (!options.tags.empty() || !options.exclude_tags.empty()) {
      copy->filter_tasks(options.tags, options.exclude_tags);
      if (copy->tasks().tasks.empty()) {
        spdlog::warn("{} has no tasks left after tag filtering; its users will fail", copy->name());
      }
    }
    classes_.push_back(std::move(copy));
  }
  by_class_.resize(classes_.size());
}

void LocalRunner::begin_test_if_idle() {
  if (state() == RunnerState::kSpawning || state() == RunnerState::kRunning) return;
  environment_.stats().clear_all();
  exceptions_.clear();
  environment_.events().test_start.fire(environment_);
}

std::int64_t LocalRunner::live_count(std::size_t class_index) const {
  const auto& users = by_class_[class_index];
  return std::count_if(users.begin(), users.end(), [](const Slot* s) { return !s->stopping; });
}

std::map<std::string, std::int64_t> LocalRunner::user_classes_count() const {
  std::map<std::string, std::int64_t> counts;
  for (const auto& user_class : environment_.user_classes()) counts[user_class.name()] = 0;
  for (std::size_t c = 0; c < classes_.size(); ++c) {
    counts[classes_[c]->name()] = static_cast<std::int64_t>(by_class_[c].size());
  }
  return counts;
}

LocalRunner::Slot& LocalRunner::spawn_one(std::size_t class_index) {
  const UserClass& user_class = *classes_[class_index];
  UserContext context;
  context.executor = io_.get_executor();
  context.events = &environment_.events();
  context.environment = &environment_;
  context.class_name = user_class.name();
  context.host = environment_.options().host.value_or(user_class.host().value_or(""));
  context.user_index = next_user_index_++;
  context.seed = mix_seed(environment_.seed(), static_cast<std::uint64_t>(context.user_index));
  context.tls_insecure = environment_.options().insecure;
  context.tls_ca_file = environment_.options().ca_file;

  auto it = slots_.emplace(slots_.end());
  it->user = user_class.create(std::move(context));
  it->class_index = class_index;
  it->self = it;
  by_class_[class_index].push_back(&*it);
  spawn_logged(io_.get_executor(), run_user(this, it), "user " + user_class.name());
  return *it;
}

awaitable<void> LocalRunner::run_user(LocalRunner* runner, std::list<Slot>::iterator slot) {
  co_await TaskLoop::run_user(*slot->user, *runner->classes_[slot->class_index]);
  runner->on_user_finished(slot);
}

void LocalRunner::on_user_finished(std::list<Slot>::iterator slot) {
  auto& users = by_class_[slot->class_index];
  // Users usually stop newest first, so search from the back.
  const auto found = std::find(users.rbegin(), users.rend(), &*slot);
  if (found != users.rend()) users.erase(std::next(found).base());
  if (slot->awaited && --awaited_remaining_ == 0) stop_waiter_.cancel();
  slots_.erase(slot);
}

void LocalRunner::mark_for_stop(std::size_t class_index, std::int64_t count) {
  const bool graceful = environment_.options().stop_timeout_seconds > 0;
  auto& users = by_class_[class_index];
  // The newest users of the class go first.
  for (auto it = users.rbegin(); it != users.rend() && count > 0; ++it) {
    Slot& slot = **it;
    if (slot.stopping) continue;
    slot.stopping = true;
    slot.awaited = true;
    ++awaited_remaining_;
    --count;
    if (graceful) {
      slot.user->request_stop();
    } else {
      slot.user->kill();
    }
  }
}

awaitable<void> LocalRunner::stop_marked_users(LocalRunner* runner) {
  const double grace = runner->environment_.options().stop_timeout_seconds;
  boost::system::error_code ignored;
  if (grace > 0 && runner->awaited_remaining_ > 0) {
    runner->stop_waiter_.expires_after(to_steady(grace));
    co_await runner->stop_waiter_.async_wait(asio::redirect_error(use_awaitable, ignored));
    if (runner->awaited_remaining_ > 0) {
      spdlog::info(
          "Not all users finished their tasks & terminated in {} seconds. Stopping them...", grace);
      for (auto& slot : runner->slots_) {
        if (slot.awaited) slot.user->kill();
      }
    }
  }
  const double deadline = steady_seconds() + kKillGraceSeconds;
  while (runner->awaited_remaining_ > 0 && steady_seconds() < deadline) {
    runner->stop_waiter_.expires_after(to_steady(deadline - steady_seconds()));
    co_await runner->stop_waiter_.async_wait(asio::redirect_error(use_awaitable, ignored));
  }
  if (runner->awaited_remaining_ > 0) {
    spdlog::warn("{} users did not stop within {} s of being killed (a task awaits something "
                 "cicada cannot cancel)",
                 runner->awaited_remaining_, kKillGraceSeconds);
  }
}

void LocalRunner::start(std::int64_t user_count, double spawn_rate) {
  if (quitting()) return;
  if (user_count < 0) throw std::invalid_argument("user count must be >= 0");
  if (!(spawn_rate > 0)) throw std::invalid_argument("spawn rate must be > 0");
  prepare_classes();
  begin_test_if_idle();
  if (spawn_rate > 100) {
    spdlog::warn("Your selected spawn rate is very high (>100), and this is known to sometimes "
                 "cause issues. Do you really need to ramp up that fast?");
  }
  if (!dispatcher_) {
    std::vector<DispatchUserClass> dispatch_classes;
    for (const auto& user_class : classes_) {
      dispatch_classes.push_back({user_class->name(), user_class->weight(), user_class->fixed_count()});
    }
    dispatcher_ = std::make_unique<UsersDispatcher>(std::vector<std::string>{kLocalWorker},
                                                    std::move(dispatch_classes));
  }
  target_user_count_ = user_count;
  ++ramp_generation_;
  ramp_timer_.cancel();
  set_state(RunnerState::kSpawning);
  dispatcher_->new_dispatch(user_count, spawn_rate);
  spdlog::info("Ramping to {} users at a rate of {:.2f} per second", user_count, spawn_rate);
  spawn_logged(io_.get_executor(), run_ramp(this, ramp_generation_), "ramp");
}

awaitable<void> LocalRunner::run_ramp(LocalRunner* runner, std::uint64_t generation) {
  while (generation == runner->ramp_generation_) {
    auto step = runner->dispatcher_->next(steady_seconds());
    if (step.kind == UsersDispatcher::Step::Kind::kDone) break;
    if (step.kind == UsersDispatcher::Step::Kind::kWait) {
      runner->ramp_timer_.expires_after(to_steady(step.wait_seconds));
      boost::system::error_code ignored;
      co_await runner->ramp_timer_.async_wait(asio::redirect_error(use_awaitable, ignored));
      continue;
    }
    const auto* targets = step.distribution.worker(kLocalWorker);
    for (std::size_t d = 0; targets != nullptr && d < targets->size(); ++d) {
      // The dispatcher orders classes by name; ours follow the Environment.
      const std::size_t c = runner->class_index(step.distribution.class_names[d]);
      const std::int64_t live = runner->live_count(c);
      const std::int64_t target = (*targets)[d];
      for (std::int64_t i = live; i < target; ++i) runner->spawn_one(c);
      if (live > target) runner->mark_for_stop(c, live - target);
    }
    if (runner->awaited_remaining_ > 0) co_await stop_marked_users(runner);
  }
  if (generation == runner->ramp_generation_) runner->all_users_spawned();
}

void LocalRunner::all_users_spawned() {
  std::string counts = "{";
  for (const auto& [name, count] : user_classes_count()) {
    counts += (counts.size() > 1 ? ", \"" : "\"") + name + "\": " + std::to_string(count);
  }
  counts += "}";
  spdlog::info("All users spawned: {} ({} total users)", counts, user_count());
  set_state(RunnerState::kRunning);
  if (environment_.options().reset_stats) {
    spdlog::info("Resetting stats");
    environment_.stats().reset_all();
  }
  environment_.events().spawning_complete.fire(dispatcher_ ? dispatcher_->current_user_count()
                                                           : user_count());
}

std::size_t LocalRunner::class_index(const std::string& name) const {
  auto it = std::find_if(classes_.begin(), classes_.end(),
                         [&](const auto& user_class) { return user_class->name() == name; });
  if (it == classes_.end()) throw std::invalid_argument("unknown user class '" + name + "'");
  return static_cast<std::size_t>(it - classes_.begin());
}

std::vector<User*> LocalRunner::spawn_users(const std::map<std::string, std::int64_t>& counts) {
  prepare_classes();
  std::vector<std::pair<std::size_t, std::int64_t>> plan;
  for (const auto& [name, count] : counts) plan.emplace_back(class_index(name), count);
  if (state() == RunnerState::kReady || state() == RunnerState::kStopped) {
    set_state(RunnerState::kSpawning);
  }
  std::vector<User*> spawned;
  for (const auto& [class_index, count] : plan) {
    for (std::int64_t i = 0; i < count; ++i) spawned.push_back(spawn_one(class_index).user.get());
  }
  return spawned;
}

std::vector<User*> LocalRunner::users() const {
  std::vector<User*> alive;
  alive.reserve(slots_.size());
  for (const auto& slot : slots_) alive.push_back(slot.user.get());
  return alive;
}

void LocalRunner::stop() {
  spawn_logged(io_.get_executor(), run_stop(this, false), "stop");
}

void LocalRunner::quit() {
  spawn_logged(io_.get_executor(), run_stop(this, true), "quit");
}

awaitable<void> LocalRunner::run_stop(LocalRunner* runner, bool then_quit) {
  if (runner->stop_in_progress_) {
    runner->quit_after_stop_ = runner->quit_after_stop_ || then_quit;
    co_return;
  }
  runner->quit_after_stop_ = then_quit;
  if (runner->state() != RunnerState::kStopped) {
    runner->stop_in_progress_ = true;
    Environment& environment = runner->environment_;
    environment.events().test_stopping.fire(environment);
    ++runner->ramp_generation_;
    runner->ramp_timer_.cancel();
    runner->set_state(RunnerState::kCleanup);
    for (std::size_t c = 0; c < runner->classes_.size(); ++c) {
      runner->mark_for_stop(c, runner->live_count(c));
    }
    co_await stop_marked_users(runner);
    runner->dispatcher_.reset();
    runner->set_state(RunnerState::kStopped);
    runner->stop_in_progress_ = false;
    environment.events().test_stop.fire(environment);
  }
  if (runner->quit_after_stop_) runner->finish_quit();
}

}  // namespace cicada
