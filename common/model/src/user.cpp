#include "cicada/model/user.hpp"

#include <boost/asio/redirect_error.hpp>

#include "cicada/core/clock.hpp"
#include "cicada/core/recently_interned.hpp"
#include "cicada/core/timer_wait.hpp"
#include "cicada/model/control_flow.hpp"

namespace cicada {

awaitable<void> TaskHolder::on_start() {
  co_return;
}
awaitable<void> TaskHolder::on_stop() {
  co_return;
}

void TaskHolder::bind_tasks(const TaskList* tasks, const WaitTime* fallback_wait,
                            double now_seconds) {
  tasks_ = tasks;
  fallback_wait_ = fallback_wait;
  pacing_ = WaitTime::pacing_start(now_seconds);
}

std::optional<double> TaskHolder::pacing_period() const {
  if (tasks_ == nullptr && fallback_wait_ == nullptr) return std::nullopt;
  return effective_wait_time().pacing_period();
}

const WaitTime& TaskHolder::effective_wait_time() const {
  if (tasks_ != nullptr && tasks_->wait_time) return *tasks_->wait_time;
  return *fallback_wait_;
}

awaitable<void> TaskHolder::wait() {
  co_await begin_wait();
  end_wait();
}

void TaskHolder::end_wait() {
  user().end_wait();
}

// Not a coroutine, nor is the sleep it returns.
TimerSleep TaskHolder::begin_wait() {
  User& owner = user();
  if (owner.stop_requested()) throw StopUser();
  // An open-model user's own loop waits for its next iteration; its task sets wait as usual.
  if (this == &owner && owner.iterations_ != nullptr) return owner.wait_for_iteration();
  const double seconds =
      effective_wait_time().next_wait_seconds(pacing_, steady_seconds(), owner.random());
  return owner.wait_between_tasks(std::chrono::duration<double>(seconds));
}

namespace {

std::shared_ptr<const UserContext> shared_part(UserContext context) {
  thread_local RecentlyInterned<UserContext> interned;
  context.seed = 0;
  context.user_index = 0;
  context.iterations = nullptr;
  return interned.intern(std::move(context));
}

}  // namespace

User::User(UserContext context)
    : user_index_(context.user_index),
      iterations_(context.iterations),
      random_(context.seed),
      timer_(loop_executor(context.executor)) {
  shared_ = shared_part(std::move(context));
}

User::~User() = default;

Environment& User::environment() const {
  if (shared_->environment == nullptr)
    throw std::logic_error("this user runs without an Environment");
  return *shared_->environment;
}

void User::record_request(RequestEvent event) {
  if (event.start_time == 0) {
    event.start_time =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  // Paced work has a schedule: statistics correct its latency for the
  // requests a stall kept from being sent (coordinated omission).
  if (!event.expected_interval) {
    if (const auto period = pacing_period(); period && *period > 0) {
      event.expected_interval = std::chrono::microseconds(static_cast<std::int64_t>(*period * 1e6));
    }
  }
  shared_->events->request.fire(event);
}

TimerSleep User::wait_between_tasks(std::chrono::duration<double> duration) {
  set_state(State::kWaiting);
  throw_if_killed();
  return TimerSleep::after(timer_, duration);
}

void User::end_wait() {
  throw_if_killed();
  if (stop_requested()) throw StopUser();
  set_state(State::kRunning);
}

TimerSleep User::wait_for_iteration() {
  set_state(State::kWaiting);
  throw_if_killed();
  iteration_handed_ = false;
  iterations_->user_idle(*this);
  if (iteration_handed_) return TimerSleep::yield(timer_);
  return TimerSleep::until_cancelled(timer_);
}

void User::begin_iteration() {
  iteration_handed_ = true;
  timer_.cancel();
}

awaitable<void> User::sleep(std::chrono::duration<double> duration) {
  throw_if_killed();
  co_await TimerSleep::after(timer_, duration);
  throw_if_killed();
}

void User::throw_if_killed() {
  if (!kill_pending_) return;
  kill_pending_ = false;
  throw UserKilled();
}

void User::request_stop() {
  const bool waiting = state_ == State::kWaiting;
  state_ = State::kStopping;
  if (waiting) kill();  // Locust kills waiting users at once
}

void User::kill() {
  kill_pending_ = true;
  timer_.cancel();
  for (KillHook* hook = hook_list_; hook != nullptr;) {
    KillHook* next = hook->next_kill_hook_;  // read first: a hook may remove itself
    hook->on_kill();
    hook = next;
  }
  // Copy: a canceller may unregister itself.
  const auto hooks = kill_hooks_;
  for (const auto& [id, cancel] : hooks) cancel();
}

std::size_t User::on_kill(std::function<void()> cancel) {
  kill_hooks_.emplace_back(next_hook_id_, std::move(cancel));
  return next_hook_id_++;
}

void User::add_kill_hook(KillHook& hook) {
  hook.next_kill_hook_ = hook_list_;
  hook_list_ = &hook;
}

void User::remove_kill_hook(KillHook& hook) {
  for (KillHook** link = &hook_list_; *link != nullptr; link = &(*link)->next_kill_hook_) {
    if (*link == &hook) {
      *link = hook.next_kill_hook_;
      hook.next_kill_hook_ = nullptr;
      return;
    }
  }
}

void User::remove_on_kill(std::size_t id) {
  std::erase_if(kill_hooks_, [id](const auto& hook) { return hook.first == id; });
}

void TaskSet::interrupt(bool reschedule) {
  throw InterruptTaskSet(reschedule);
}

}  // namespace cicada
