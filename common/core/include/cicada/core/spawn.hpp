#pragma once

#include <string>

#include "cicada/core/asio.hpp"

namespace cicada {

/// Starts `task` on `executor` without waiting for it. An exception escaping
/// the coroutine is logged (with `what` naming the task) instead of being
/// lost or terminating the process. Use instead of `co_spawn(..., detached)`.
/// May be called from any thread; the task runs on the executor's thread.
void spawn_logged(asio::any_io_executor executor, awaitable<void> task, std::string what);

}  // namespace cicada
