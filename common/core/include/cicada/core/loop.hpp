#pragma once

#include <chrono>

#include <boost/asio/steady_timer.hpp>

#include "cicada/core/asio.hpp"

namespace cicada {

/// The executor of an event loop (an io_context) as itself, not type-erased:
/// an I/O object holding it is 40 bytes smaller than one holding
/// any_io_executor, and so is each of its pending operations. Objects every
/// user owns (its timer, its connection) use it.
using LoopExecutor = asio::io_context::executor_type;

/// A steady timer on a loop's own executor (see LoopExecutor).
using LoopTimer =
    asio::basic_waitable_timer<std::chrono::steady_clock,
                               asio::wait_traits<std::chrono::steady_clock>, LoopExecutor>;

/// The loop behind `executor`, whether or not it tracks outstanding work.
/// Throws std::logic_error when it is not an io_context's.
LoopExecutor loop_executor(const asio::any_io_executor& executor);

}  // namespace cicada
