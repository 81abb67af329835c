#include "cicada/core/timer_wait.hpp"

#include <boost/asio/redirect_error.hpp>

namespace cicada {

// Not a coroutine: the wait is the caller's only frame. The completion's error
// (a cancel or re-arm) is not wanted by anyone, so it goes to a per-thread
// sink that outlives every wait.
awaitable<void> wait_for(asio::steady_timer& timer, std::chrono::duration<double> duration) {
  if (duration.count() <= 0) {
    // No wait (constant(0)): yield to the loop without re-arming its timerfd.
    return asio::post(timer.get_executor(), use_awaitable);
  }
  thread_local boost::system::error_code ignored;
  timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(duration));
  return timer.async_wait(asio::redirect_error(use_awaitable, ignored));
}

TimerSleep TimerSleep::after(LoopTimer& timer, std::chrono::duration<double> duration) {
  if (duration.count() <= 0) return yield(timer);
  timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(duration));
  return TimerSleep(timer, false);
}

TimerSleep TimerSleep::until_cancelled(LoopTimer& timer) {
  timer.expires_at(LoopTimer::time_point::max());
  return TimerSleep(timer, false);
}

AwaitingThread* TimerSleep::operator()(AwaitingFrame* frame) const noexcept {
  if (yield_only_) {
    asio::post(timer_->get_executor(), Resumption(*frame));
  } else {
    timer_->async_wait(Resumption(*frame));
  }
  return nullptr;
}

}  // namespace cicada
