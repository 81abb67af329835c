#pragma once

#include <cstdint>
#include <string>

#include "cicada/core/asio.hpp"

namespace cicada {

/// Starts `task` on `executor` without waiting for it. An exception escaping
/// the coroutine is logged (with `what` naming the task) instead of being
/// lost or terminating the process. Use instead of `co_spawn(..., detached)`.
/// May be called from any thread; the task runs on the executor's thread.
void spawn_logged(asio::any_io_executor executor, awaitable<void> task, std::string what);

/// How many tasks started by spawn_logged ended with an exception, in this
/// process (Locust's unhandled greenlet exceptions: they make the exit code 2).
std::uint64_t background_failures();

}  // namespace cicada
