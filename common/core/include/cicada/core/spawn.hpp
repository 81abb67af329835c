#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "cicada/core/asio.hpp"

namespace cicada {

/// Starts `task` on `executor` without waiting for it. An exception escaping
/// the coroutine is logged (with `what` naming the task) instead of being
/// lost or terminating the process. Use instead of `co_spawn(..., detached)`.
/// May be called from any thread; the task runs on the executor's thread.
void spawn_logged(asio::any_io_executor executor, awaitable<void> task, std::string what);

/// Starts `body` on `executor`'s loop (from the loop, never inline) with no
/// frame around it: co_spawn keeps one (~350 B, with two work guards and the
/// completion handler) for as long as the coroutine lives, which for a
/// user's task loop is the user's whole life. So `body` must report its own
/// end and must not throw (an exception out of it would leave the loop's
/// run()), and it keeps no work guard: the loop must be kept running (a
/// runner's is) while it waits on anything Asio does not count as work.
void start_unguarded(const asio::any_io_executor& executor, awaitable<void> body);

/// Logs an exception that ended a background task (`what` names the task) and
/// counts it among background_failures(): for tasks started with co_spawn and
/// a completion handler of their own.
void log_background_failure(std::string_view what, std::exception_ptr error);

/// How many tasks started by spawn_logged ended with an exception, in this
/// process (Locust's unhandled greenlet exceptions: they make the exit code 2).
std::uint64_t background_failures();

}  // namespace cicada
