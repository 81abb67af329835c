#include "cicada/runner/local_runner.hpp"

#include <stdexcept>

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>

#include "cicada/core/clock.hpp"
#include "cicada/core/spawn.hpp"
#include "cicada/core/timer_wait.hpp"
#include "cicada/runner/environment.hpp"

namespace cicada {
namespace {

constexpr const char* kLocalWorker = "local";

}  // namespace

LocalRunner::LocalRunner(Environment& environment)
    : Runner(environment), pool_(environment), ramp_timer_(io_) {
  user_error_listener_ =
      environment.events().user_error.add_listener([this](const UserErrorEvent& event) {
        record_exception(event.message, event.traceback, kLocalWorker);
      });
}

LocalRunner::~LocalRunner() {
  environment_.events().user_error.remove_listener(user_error_listener_);
  ++ramp_generation_;
  ramp_timer_.cancel();
  pool_.shutdown();
  finish_quit();
  io_.restart();
  io_.poll();
}

void LocalRunner::begin_test_if_idle() {
  if (state() == RunnerState::kSpawning || state() == RunnerState::kRunning) return;
  environment_.stats().clear_all();
  exceptions_.clear();
  environment_.events().test_start.fire(environment_);
  pool_.run_arrivals(0);
}

std::map<std::string, std::int64_t> LocalRunner::user_classes_count() const {
  return pool_.counts();
}

std::vector<User*> LocalRunner::users() const {
  return pool_.users();
}

void LocalRunner::start(std::int64_t user_count, double spawn_rate,
                        std::optional<std::vector<std::string>> user_classes) {
  if (quitting()) return;
  if (user_count < 0) throw std::invalid_argument("user count must be >= 0");
  if (!(spawn_rate > 0)) throw std::invalid_argument("spawn rate must be > 0");
  const auto& classes = pool_.classes();
  if (classes.empty()) throw std::logic_error("no user classes to run");
  for (const auto& name : user_classes.value_or(std::vector<std::string>{})) {
    if (environment_.find_user_class(name) == nullptr)
      throw std::invalid_argument("unknown user class '" + name + "'");
  }
  begin_test_if_idle();
  if (spawn_rate > 100) {
    spdlog::warn(
        "Your selected spawn rate is very high (>100), and this is known to sometimes "
        "cause issues. Do you really need to ramp up that fast?");
  }
  std::vector<DispatchUserClass> dispatch_classes;
  for (const auto& user_class : classes) {
    if (user_class->open_model()) continue;  // runs on its arrival rate, not on a user count
    dispatch_classes.push_back(
        {user_class->name(), user_class->weight(), user_class->fixed_count()});
  }
  if (dispatch_classes.empty()) {
    // Only open-model classes: their schedules started with the test.
    target_user_count_ = 0;
    set_state(RunnerState::kSpawning);
    all_users_spawned();
    return;
  }
  if (!dispatcher_) {
    dispatcher_ = std::make_unique<UsersDispatcher>(std::vector<std::string>{kLocalWorker},
                                                    std::move(dispatch_classes));
  }
  target_user_count_ = user_count;
  ++ramp_generation_;
  ramp_timer_.cancel();
  set_state(RunnerState::kSpawning);
  dispatcher_->new_dispatch(user_count, spawn_rate, user_classes);
  spdlog::info("Ramping to {} users at a rate of {:.2f} per second", user_count, spawn_rate);
  spawn_logged(io_.get_executor(), run_ramp(this, ramp_generation_), "ramp");
}

awaitable<void> LocalRunner::run_ramp(LocalRunner* runner, std::uint64_t generation) {
  while (generation == runner->ramp_generation_) {
    auto step = runner->dispatcher_->next(steady_seconds());
    if (step.kind == UsersDispatcher::Step::Kind::kDone) break;
    if (step.kind == UsersDispatcher::Step::Kind::kWait) {
      co_await wait_for(runner->ramp_timer_, std::chrono::duration<double>(step.wait_seconds));
      continue;
    }
    const auto* targets = step.distribution.worker(kLocalWorker);
    std::map<std::string, std::int64_t> by_name;
    for (std::size_t d = 0; targets != nullptr && d < targets->size(); ++d) {
      by_name[step.distribution.class_names[d]] = (*targets)[d];
    }
    runner->pool_.apply_targets(by_name);
    if (runner->pool_.stops_pending()) co_await UserPool::wait_for_stopped(&runner->pool_);
  }
  if (generation == runner->ramp_generation_) runner->all_users_spawned();
}

void LocalRunner::all_users_spawned() {
  spdlog::info("All users spawned: {} ({} total users)", format_class_counts(user_classes_count()),
               user_count());
  set_state(RunnerState::kRunning);
  if (environment_.options().reset_stats) {
    spdlog::info("Resetting stats");
    environment_.reset_stats();
  }
  environment_.events().spawning_complete.fire(dispatcher_ ? dispatcher_->current_user_count()
                                                           : user_count());
}

std::vector<User*> LocalRunner::spawn_users(const std::map<std::string, std::int64_t>& counts) {
  std::vector<std::pair<std::size_t, std::int64_t>> plan;
  for (const auto& [name, count] : counts) plan.emplace_back(pool_.class_index(name), count);
  if (state() == RunnerState::kReady || state() == RunnerState::kStopped) {
    set_state(RunnerState::kSpawning);
  }
  std::vector<User*> spawned;
  for (const auto& [class_index, count] : plan) {
    for (std::int64_t i = 0; i < count; ++i) spawned.push_back(&pool_.spawn(class_index));
  }
  return spawned;
}

void LocalRunner::stop_users(const std::map<std::string, std::int64_t>& counts) {
  std::vector<std::pair<std::size_t, std::int64_t>> plan;
  for (const auto& [name, count] : counts) plan.emplace_back(pool_.class_index(name), count);
  for (const auto& [class_index, count] : plan) pool_.mark_for_stop(class_index, count);
}

void LocalRunner::stop() {
  end_shape();
  spawn_logged(io_.get_executor(), run_stop(this, false), "stop");
}

void LocalRunner::quit() {
  end_shape();
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
    runner->pool_.mark_all_for_stop();
    co_await UserPool::wait_for_stopped(&runner->pool_);
    runner->dispatcher_.reset();
    runner->set_state(RunnerState::kStopped);
    runner->stop_in_progress_ = false;
    environment.events().test_stop.fire(environment);
  }
  if (runner->quit_after_stop_) runner->finish_quit();
}

}  // namespace cicada
