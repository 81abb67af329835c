#include "cicada/runner/user_pool.hpp"

#include <algorithm>
#include <stdexcept>

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>

#include "cicada/core/clock.hpp"
#include "cicada/core/spawn.hpp"
#include "cicada/core/timer_wait.hpp"
#include "cicada/model/control_flow.hpp"
#include "cicada/model/task_loop.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/runner/runner.hpp"

#include "arrival_executor.hpp"

namespace cicada {
namespace {

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

UserPool::UserPool(Environment& environment)
    : environment_(environment), io_(environment.io_context()), stop_waiter_(io_) {}

UserPool::~UserPool() {
  shutdown();
}

void UserPool::shutdown() {
  stop_waiter_.cancel();
  for (auto& arrival : arrivals_) {
    if (arrival) arrival->stop();
  }
  for (auto& slot : slots_) slot.user->kill();
  io_.restart();
  for (int round = 0; round < 1000 && !slots_.empty(); ++round)
    io_.run_for(std::chrono::milliseconds(10));
}

void UserPool::filter_by_tags(UserClass& user_class) const {
  const auto& options = environment_.options();
  if (options.tags.empty() && options.exclude_tags.empty()) return;
  user_class.filter_tasks(options.tags, options.exclude_tags);
  if (user_class.tasks().tasks.empty()) {
    spdlog::warn("{} has no tasks left after tag filtering; its users will fail",
                 user_class.name());
  }
}

const std::vector<std::unique_ptr<UserClass>>& UserPool::classes() {
  if (!classes_.empty()) return classes_;
  for (const auto& user_class : environment_.user_classes()) {
    auto copy = std::make_unique<UserClass>(user_class);
    filter_by_tags(*copy);
    classes_.push_back(std::move(copy));
  }
  by_class_.resize(classes_.size());
  arrivals_.resize(classes_.size());
  for (std::size_t c = 0; c < classes_.size(); ++c) {
    if (const auto& rate = classes_[c]->arrival_rate()) {
      arrivals_[c] = std::make_shared<ArrivalExecutor>(*this, c, classes_[c]->name(), *rate,
                                                       environment_.stats(), io_);
    }
  }
  return classes_;
}

void UserPool::refilter_classes() {
  if (!slots_.empty()) return;
  for (auto& arrival : arrivals_) {
    if (arrival) arrival->stop();
  }
  arrivals_.clear();
  classes_.clear();
  by_class_.clear();
}

bool UserPool::has_open_classes() {
  const auto& all = classes();
  return std::any_of(all.begin(), all.end(), [](const auto& c) { return c->open_model(); });
}

void UserPool::run_arrivals(double elapsed_seconds, ArrivalShare share) {
  classes();
  for (auto& arrival : arrivals_) {
    if (arrival) arrival->run(elapsed_seconds, share);
  }
}

void UserPool::update_class(const UserClassSettings& settings) {
  for (auto& user_class : classes_) {
    if (user_class->name() != settings.user_class_name) continue;
    // Running users hold this object: it changes in place, and a new task
    // list (picked from the defined tasks) is filtered by the tags again.
    user_class->update(settings);
    if (settings.tasks) filter_by_tags(*user_class);
  }
}

std::size_t UserPool::class_index(const std::string& name) {
  const auto& all = classes();
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& c) { return c->name() == name; });
  if (it == all.end()) throw std::invalid_argument("unknown user class '" + name + "'");
  return static_cast<std::size_t>(it - all.begin());
}

std::int64_t UserPool::live_count(std::size_t class_index) const {
  const auto& users = by_class_[class_index];
  return std::count_if(users.begin(), users.end(), [](const Slot* s) { return !s->stopping; });
}

std::map<std::string, std::int64_t> UserPool::counts() const {
  std::map<std::string, std::int64_t> counts;
  for (const auto& user_class : environment_.user_classes()) counts[user_class.name()] = 0;
  for (std::size_t c = 0; c < classes_.size(); ++c) {
    counts[classes_[c]->name()] = static_cast<std::int64_t>(by_class_[c].size());
  }
  return counts;
}

std::vector<User*> UserPool::users() const {
  std::vector<User*> alive;
  alive.reserve(slots_.size());
  for (const auto& slot : slots_) alive.push_back(slot.user.get());
  return alive;
}

User& UserPool::spawn(std::size_t class_index, IterationSource* iterations) {
  const UserClass& user_class = *classes()[class_index];
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
  context.http_connect_timeout_seconds = environment_.options().connect_timeout_seconds;
  context.http_network_timeout_seconds = environment_.options().network_timeout_seconds;
  context.http_max_body_bytes = environment_.options().max_body_bytes;
  context.iterations = iterations;

  auto it = slots_.emplace(slots_.end());
  it->user = user_class.create(std::move(context));
  it->class_index = class_index;
  by_class_[class_index].push_back(&*it);
  // The user's task loop is the outermost coroutine, with no co_spawn frame
  // around it: what follows its end runs in the callback.
  start_unguarded(io_.get_executor(),
                  TaskLoop::run_user(*it->user, user_class, [this, it](std::exception_ptr error) {
                    on_user_ended(it, error);
                  }));
  return *it->user;
}

void UserPool::on_user_ended(std::list<Slot>::iterator slot, std::exception_ptr error) {
  bool stop_test = false;
  const std::string class_name = classes_[slot->class_index]->name();
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const StopTest&) {
      stop_test = true;
    } catch (...) {
      log_background_failure("user " + class_name, std::current_exception());
    }
  }
  on_user_finished(slot);
  if (stop_test && environment_.has_runner()) {
    spdlog::info("A {} user raised StopTest: stopping the test", class_name);
    environment_.runner().quit();
  }
}

void UserPool::on_user_finished(std::list<Slot>::iterator slot) {
  if (auto& arrival = arrivals_[slot->class_index]) arrival->user_gone(*slot->user);
  auto& users = by_class_[slot->class_index];
  // Users usually stop newest first, so search from the back.
  const auto found = std::find(users.rbegin(), users.rend(), &*slot);
  if (found != users.rend()) users.erase(std::next(found).base());
  if (slot->awaited && --awaited_remaining_ == 0) stop_waiter_.cancel();
  slots_.erase(slot);
}

void UserPool::mark_for_stop(std::size_t class_index, std::int64_t count) {
  const bool graceful = environment_.options().stop_timeout_seconds > 0;
  auto& users = by_class_[class_index];
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

void UserPool::mark_all_for_stop() {
  for (auto& arrival : arrivals_) {
    if (arrival) arrival->stop();
  }
  for (std::size_t c = 0; c < by_class_.size(); ++c) mark_for_stop(c, live_count(c));
}

void UserPool::apply_targets(const std::map<std::string, std::int64_t>& targets) {
  std::vector<std::pair<std::size_t, std::int64_t>> plan;
  for (const auto& [name, target] : targets) plan.emplace_back(class_index(name), target);
  for (const auto& [c, target] : plan) {
    if (arrivals_[c]) {
      // Only a master that does not know arrival rates (Locust's) asks for users of such a class.
      if (target > 0 && !std::exchange(warned_open_targets_, true)) {
        spdlog::warn("{} runs on an arrival rate: the {} users asked for it are not started",
                     classes_[c]->name(), target);
      }
      continue;
    }
    const std::int64_t live = live_count(c);
    for (std::int64_t i = live; i < target; ++i) spawn(c);
    if (live > target) mark_for_stop(c, live - target);
  }
}

awaitable<void> UserPool::wait_for_stopped(UserPool* pool) {
  const double grace = pool->environment_.options().stop_timeout_seconds;
  if (grace > 0 && pool->awaited_remaining_ > 0) {
    co_await wait_for(pool->stop_waiter_, std::chrono::duration<double>(grace));
    if (pool->awaited_remaining_ > 0) {
      spdlog::info(
          "Not all users finished their tasks & terminated in {} seconds. Stopping them...", grace);
      for (auto& slot : pool->slots_) {
        if (slot.awaited) slot.user->kill();
      }
    }
  }
  const double deadline = steady_seconds() + kKillGraceSeconds;
  while (pool->awaited_remaining_ > 0 && steady_seconds() < deadline) {
    co_await wait_for(pool->stop_waiter_,
                      std::chrono::duration<double>(deadline - steady_seconds()));
  }
  if (pool->awaited_remaining_ > 0) {
    spdlog::warn(
        "{} users did not stop within {} s of being killed (a task awaits something "
        "cicada cannot cancel)",
        pool->awaited_remaining_, kKillGraceSeconds);
  }
}

}  // namespace cicada
