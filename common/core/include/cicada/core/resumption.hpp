#pragma once

// Suspending an awaitable<> coroutine with no frame for the wait.
//
// Awaiting an operation with use_awaitable, Boost 1.74's Asio starts a
// coroutine frame of its own for the operation's initiation (an allocation),
// and that frame lives as long as the wait does. A thing awaited on every
// request or every sleep, by every user, is better without it: Asio's
// promise also accepts, in a co_await, a function object taking the awaiting
// frame, which it calls once the coroutine is suspended. That is how its own
// initiation frame suspends; cicada's hot waits use it directly.
#include "cicada/core/asio.hpp"
#include "cicada/core/frame_pool.hpp"

namespace cicada {

using AwaitingFrame = asio::detail::awaitable_frame_base<asio::any_io_executor>;
using AwaitingThread = asio::detail::awaitable_thread<asio::any_io_executor>;

/// Resumes a coroutine suspended by a direct await: a completion handler
/// with no result, which also takes (and ignores) an error code so it can end
/// a timer wait as it is. Call it once, from the loop, never from inside the
/// await that made it. Destroyed uncalled (its loop went), it unwinds the
/// coroutine through its executor, as Asio's own handlers do. The operation
/// it completes is allocated from the frame pool.
class Resumption : private AwaitingThread {
 public:
  using executor_type = asio::any_io_executor;
  using AwaitingThread::get_executor;
  using allocator_type = frame_pool::Allocator<void>;
  allocator_type get_allocator() const noexcept { return {}; }

  /// Takes over the coroutine stack `frame` belongs to, which is suspended.
  explicit Resumption(AwaitingFrame& frame) : AwaitingThread(std::move(*frame.detach_thread())) {}
  Resumption(Resumption&&) noexcept = default;
  Resumption& operator=(Resumption&&) = delete;
  ~Resumption() = default;

  void operator()() {
    top_of_stack_->attach_thread(this);
    pump();
  }
  void operator()(const boost::system::error_code& /*ignored*/) { (*this)(); }
};

}  // namespace cicada
