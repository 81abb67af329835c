#pragma once

#include <chrono>

#include <boost/asio/steady_timer.hpp>

#include "cicada/core/asio.hpp"
#include "cicada/core/loop.hpp"

namespace cicada {

/// Sleeps on `timer` for `duration` (fractional seconds are fine); a duration
/// of zero or less yields to the loop once instead, without arming the timer.
/// Returns early, without an error, when the timer is cancelled or re-armed:
/// callers check their own state after waking. The timer's thread only.
/// Not a coroutine: awaiting it costs no frame of its own.
awaitable<void> wait_for(asio::steady_timer& timer, std::chrono::duration<double> duration);
awaitable<void> wait_for(LoopTimer& timer, std::chrono::duration<double> duration);

}  // namespace cicada
