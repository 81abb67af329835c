#pragma once

// Every awaitable<> coroutine's frame comes from the frame pool
// (frame_pool.hpp), not from Asio's single spare frame per thread.
//
// A coroutine's frame is allocated by its promise type's operator new, and
// the promise type is std::coroutine_traits' choice. This header specializes
// it for awaitable<T> on Asio's type-erased executor, the only executor
// cicada's coroutines use, to a promise that is Asio's own in every other
// way. Included by cicada/core/asio.hpp, so every coroutine in cicada (and in
// code built on its headers) is compiled with it.
//
// Depends on Boost 1.74's awaitable internals (asio::detail): the promise
// derives from awaitable_frame, adds no state, and hands Asio its frame as a
// coroutine_handle to that base, at the same address.
#include <coroutine>
#include <cstddef>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "cicada/core/frame_pool.hpp"

namespace cicada {

template <typename T>
class PooledFrame : public boost::asio::detail::awaitable_frame<T, boost::asio::any_io_executor> {
  using AsioFrame = boost::asio::detail::awaitable_frame<T, boost::asio::any_io_executor>;

 public:
  static void* operator new(std::size_t size) { return frame_pool::allocate(size); }
  static void operator delete(void* frame, std::size_t size) noexcept {
    frame_pool::deallocate(frame, size);
  }

  using AsioFrame::await_transform;

  /// Awaiting another awaitable: Asio's awaiter wants the caller's handle as
  /// one to its own promise type, which this frame is at the same address.
  template <typename U>
  auto await_transform(boost::asio::awaitable<U, boost::asio::any_io_executor> callee) const {
    struct Await {
      boost::asio::awaitable<U, boost::asio::any_io_executor> callee;

      bool await_ready() const noexcept { return false; }
      void await_suspend(std::coroutine_handle<PooledFrame> caller) {
        callee.await_suspend(std::coroutine_handle<AsioFrame>::from_address(caller.address()));
      }
      U await_resume() { return callee.await_resume(); }
    };
    return Await{std::move(callee)};
  }
};

}  // namespace cicada

template <typename T, typename... Args>
struct std::coroutine_traits<boost::asio::awaitable<T, boost::asio::any_io_executor>, Args...> {
  using promise_type = cicada::PooledFrame<T>;
  static_assert(
      sizeof(promise_type) ==
              sizeof(boost::asio::detail::awaitable_frame<T, boost::asio::any_io_executor>) &&
          alignof(promise_type) ==
              alignof(boost::asio::detail::awaitable_frame<T, boost::asio::any_io_executor>),
      "the pooled promise must lie exactly where Asio's would");
};
