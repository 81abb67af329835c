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

/// Logs an exception that ended a background task (`what` names the task) and
/// counts it among background_failures(): for tasks started with co_spawn and
/// a completion handler of their own.
void log_background_failure(std::string_view what, std::exception_ptr error);

/// How many tasks started by spawn_logged ended with an exception, in this
/// process (Locust's unhandled greenlet exceptions: they make the exit code 2).
std::uint64_t background_failures();

}  // namespace cicada
