// The frame pool every coroutine frame and hot wait allocates from: a loop in
// steady state must reuse its blocks, and coroutines on pooled frames must
// behave exactly as on Asio's (values, exceptions, unwinding).
#include "cicada/core/frame_pool.hpp"

#include <doctest/doctest.h>

#include <boost/asio/detached.hpp>

#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cicada/core/asio.hpp"
#include "cicada/core/loop.hpp"
#include "cicada/core/timer_wait.hpp"

namespace cicada {
namespace {

awaitable<int> answer(int depth) {
  if (depth == 0) co_return 42;
  co_return co_await answer(depth - 1);
}

awaitable<void> fail(bool really) {
  if (really) throw std::runtime_error("bad request");
  co_return;
}

// One "request": nested frames of three sizes, a value and an exception
// crossing them, and a yield to the loop.
awaitable<void> requests(LoopTimer& timer, int count, int* answered, int* caught) {
  for (int i = 0; i < count; ++i) {
    *answered += (co_await answer(3) == 42) ? 1 : 0;
    try {
      co_await fail(i % 2 == 0);
    } catch (const std::runtime_error& error) {
      if (std::string(error.what()) == "bad request") ++*caught;
    }
    co_await TimerSleep::yield(timer);
  }
}

awaitable<void> hold_until_cancelled(LoopTimer& timer, std::shared_ptr<int> token) {
  co_await TimerSleep::until_cancelled(timer);
  *token = 1;  // never reached: the loop goes first
}

}  // namespace

TEST_CASE("a freed block is served again to the next allocation of its size, not another's") {
  const frame_pool::Counts before = frame_pool::thread_counts();
  void* first = frame_pool::allocate(100);
  frame_pool::deallocate(first, 100);
  void* again = frame_pool::allocate(97);  // the same 16-byte step
  CHECK(again == first);
  void* other = frame_pool::allocate(300);
  CHECK(other != first);
  frame_pool::deallocate(again, 97);
  frame_pool::deallocate(other, 300);
  const frame_pool::Counts after = frame_pool::thread_counts();
  CHECK(after.reused - before.reused >= 1);
}

TEST_CASE("blocks beyond 2 KiB come from the heap, and a burst is kept only up to 256 KiB") {
  const frame_pool::Counts before = frame_pool::thread_counts();
  void* large = frame_pool::allocate(4096);
  frame_pool::deallocate(large, 4096);
  CHECK(frame_pool::thread_counts().fresh == before.fresh);

  constexpr std::size_t kSize = 1024;
  constexpr std::size_t kBurst = 1000;
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < kBurst; ++i) blocks.push_back(frame_pool::allocate(kSize));
  for (void* block : blocks) frame_pool::deallocate(block, kSize);
  const frame_pool::Counts kept = frame_pool::thread_counts();
  blocks.clear();
  for (std::size_t i = 0; i < kBurst; ++i) blocks.push_back(frame_pool::allocate(kSize));
  for (void* block : blocks) frame_pool::deallocate(block, kSize);
  const frame_pool::Counts after = frame_pool::thread_counts();
  CHECK(after.reused - kept.reused == 256 * 1024 / kSize);
  CHECK(after.fresh - kept.fresh == kBurst - 256 * 1024 / kSize);
}

TEST_CASE("a block freed on another thread serves that thread's next allocation") {
  void* block = frame_pool::allocate(200);
  void* served = nullptr;
  std::thread other([&] {
    frame_pool::deallocate(block, 200);
    served = frame_pool::allocate(200);
    frame_pool::deallocate(served, 200);
  });
  other.join();
  CHECK(served == block);
}

TEST_CASE("coroutines on pooled frames pass values and exceptions and reuse their frames") {
  asio::io_context io;
  LoopTimer timer(io.get_executor());
  int answered = 0;
  int caught = 0;

  asio::co_spawn(io, requests(timer, 10, &answered, &caught), asio::detached);
  io.run();
  REQUIRE(answered == 10);
  REQUIRE(caught == 5);

  // Warm now: a thousand more requests take nothing new from the heap.
  const frame_pool::Counts warm = frame_pool::thread_counts();
  io.restart();
  asio::co_spawn(io, requests(timer, 1000, &answered, &caught), asio::detached);
  io.run();
  CHECK(answered == 1010);
  CHECK(caught == 505);
  const frame_pool::Counts after = frame_pool::thread_counts();
  CHECK(after.fresh == warm.fresh);
  CHECK(after.reused - warm.reused >= 1000 * 5);
}

TEST_CASE("a pooled frame suspended when its loop goes is destroyed with it") {
  auto token = std::make_shared<int>(0);
  {
    asio::io_context io;
    LoopTimer timer(io.get_executor());
    asio::co_spawn(io, hold_until_cancelled(timer, token), asio::detached);
    io.run_for(std::chrono::milliseconds(10));
    CHECK(token.use_count() == 2);
  }
  CHECK(token.use_count() == 1);
  CHECK(*token == 0);
}

}  // namespace cicada
