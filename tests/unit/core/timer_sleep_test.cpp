// The frameless sleep every waiting user awaits: it must wake as a timer
// wait does, and a loop torn down under it must still unwind the sleeper.
#include "cicada/core/timer_wait.hpp"

#include <doctest/doctest.h>

#include <boost/asio/detached.hpp>

#include <chrono>
#include <memory>

namespace cicada {
namespace {

using namespace std::chrono_literals;

struct Sleeper {
  int woken = 0;
  std::chrono::steady_clock::duration slept{};
};

awaitable<void> sleep_twice(LoopTimer& timer, Sleeper& sleeper,
                            std::chrono::duration<double> duration) {
  for (int i = 0; i < 2; ++i) {
    const auto started = std::chrono::steady_clock::now();
    co_await TimerSleep::after(timer, duration);
    sleeper.slept += std::chrono::steady_clock::now() - started;
    ++sleeper.woken;
  }
}

awaitable<void> sleep_until_cancelled(LoopTimer& timer, Sleeper& sleeper) {
  co_await TimerSleep::until_cancelled(timer);
  ++sleeper.woken;
}

// Holds a token: it is released only when the coroutine's frame goes.
awaitable<void> hold_and_sleep(LoopTimer& timer, std::shared_ptr<int> token) {
  co_await TimerSleep::until_cancelled(timer);
  *token = 1;  // never reached: the loop goes first
}

}  // namespace

TEST_CASE("a frameless sleep wakes when its time is up, and again after it") {
  asio::io_context io;
  LoopTimer timer(io.get_executor());
  Sleeper sleeper;
  asio::co_spawn(io, sleep_twice(timer, sleeper, 0.03s), asio::detached);
  io.run();
  CHECK(sleeper.woken == 2);
  CHECK(sleeper.slept >= 60ms);
}

TEST_CASE("a zero-length frameless sleep yields to the loop once and leaves the timer alone") {
  asio::io_context io;
  LoopTimer timer(io.get_executor());
  timer.expires_at(LoopTimer::time_point::max());
  Sleeper sleeper;
  bool other_ran = false;
  asio::co_spawn(io, sleep_twice(timer, sleeper, 0s), asio::detached);
  asio::post(io, [&] { other_ran = sleeper.woken < 2; });
  io.run();
  CHECK(sleeper.woken == 2);
  CHECK(other_ran);  // the sleeper let the loop run it in between
  CHECK(timer.expiry() == LoopTimer::time_point::max());
}

TEST_CASE("a sleep until cancelled ends with the cancel, without an error") {
  asio::io_context io;
  LoopTimer timer(io.get_executor());
  Sleeper sleeper;
  asio::co_spawn(io, sleep_until_cancelled(timer, sleeper),
                 [](std::exception_ptr error) { CHECK(!error); });
  io.poll();
  CHECK(sleeper.woken == 0);
  timer.cancel();
  io.run();
  CHECK(sleeper.woken == 1);
}

TEST_CASE("a loop destroyed under a frameless sleep unwinds the sleeping coroutine") {
  auto token = std::make_shared<int>(0);
  {
    asio::io_context io;
    LoopTimer timer(io.get_executor());
    asio::co_spawn(io, hold_and_sleep(timer, token), asio::detached);
    io.poll();
    CHECK(token.use_count() == 2);
  }
  CHECK(token.use_count() == 1);
  CHECK(*token == 0);
}

}  // namespace cicada
