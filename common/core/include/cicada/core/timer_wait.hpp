#pragma once

#include <chrono>

#include <boost/asio/steady_timer.hpp>

#include "cicada/core/asio.hpp"
#include "cicada/core/loop.hpp"
#include "cicada/core/resumption.hpp"

namespace cicada {

/// Sleeps on `timer` for `duration` (fractional seconds are fine); a duration
/// of zero or less yields to the loop once instead, without arming the timer.
/// Returns early, without an error, when the timer is cancelled or re-armed:
/// callers check their own state after waking. The timer's thread only.
/// Not a coroutine: awaiting it costs no frame of its own.
awaitable<void> wait_for(asio::steady_timer& timer, std::chrono::duration<double> duration);

/// A sleep on a loop timer for a coroutine to await directly, as in
/// `co_await TimerSleep::after(timer, duration)`, with no frame for the wait
/// (see resumption.hpp): a waiting user holds only its timer's operation.
/// Wakes as wait_for's does, without an error, on expiry, cancel or re-arm.
/// Must be awaited at once, in an awaitable<> coroutine.
class TimerSleep {
 public:
  /// For `duration`; zero or less yields to the loop once.
  static TimerSleep after(LoopTimer& timer, std::chrono::duration<double> duration);
  /// Until the timer is cancelled or re-armed.
  static TimerSleep until_cancelled(LoopTimer& timer);
  /// Back to the loop once, the timer untouched.
  static TimerSleep yield(LoopTimer& timer) { return TimerSleep(timer, true); }

  /// Asio calls this with the awaiting coroutine suspended.
  AwaitingThread* operator()(AwaitingFrame* frame) const noexcept;

 private:
  TimerSleep(LoopTimer& timer, bool yield_only) : timer_(&timer), yield_only_(yield_only) {}

  LoopTimer* timer_;
  bool yield_only_;
};

}  // namespace cicada
