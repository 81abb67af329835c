// The per-loop timeout wheel, on a real io_context. Bounds are loose on
// purpose (a loaded 2-core machine): "not early" is exact, "not much late" is not.
#include "cicada/core/timeout_wheel.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "support/loop.hpp"

namespace cicada {
namespace {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
}  // namespace

TEST_CASE("an armed deadline fires once, never before its timeout") {
  asio::io_context io;
  auto& wheel = TimeoutWheel::of(io.get_executor());
  int fired = 0;
  Clock::time_point fired_at;
  TimeoutWheel::Deadline deadline(wheel, [&] {
    ++fired;
    fired_at = Clock::now();
  });
  const auto armed_at = Clock::now();
  deadline.arm(120ms);
  CHECK(deadline.armed());
  test::run_until(io, [&] { return fired > 0; });
  CHECK(fired == 1);
  CHECK(fired_at - armed_at >= 120ms);
  CHECK(fired_at - armed_at < 5s);
  CHECK(deadline.expired());
  CHECK_FALSE(deadline.armed());
  CHECK(wheel.armed_count() == 0);
}

TEST_CASE("a disarmed deadline never fires, and re-arming postpones it") {
  asio::io_context io;
  auto& wheel = TimeoutWheel::of(io.get_executor());
  int cancelled_fired = 0;
  int postponed_fired = 0;
  TimeoutWheel::Deadline cancelled(wheel, [&] { ++cancelled_fired; });
  TimeoutWheel::Deadline postponed(wheel, [&] { ++postponed_fired; });
  TimeoutWheel::Deadline marker(wheel, [] {});
  cancelled.arm(60ms);
  cancelled.disarm();
  postponed.arm(60ms);
  const auto rearmed_at = Clock::now();
  postponed.arm(300ms);
  marker.arm(150ms);
  test::run_until(io, [&] { return marker.expired(); });
  CHECK(postponed_fired == 0);  // its first arming has passed, its second has not
  test::run_until(io, [&] { return postponed_fired > 0; });
  CHECK(Clock::now() - rearmed_at >= 300ms);
  CHECK(cancelled_fired == 0);
  CHECK_FALSE(cancelled.expired());
}

TEST_CASE("many deadlines on one wheel all fire, and destroying one unhooks it") {
  asio::io_context io;
  auto& wheel = TimeoutWheel::of(io.get_executor());
  int fired = 0;
  std::vector<std::unique_ptr<TimeoutWheel::Deadline>> deadlines;
  for (int i = 0; i < 1000; ++i) {
    deadlines.push_back(std::make_unique<TimeoutWheel::Deadline>(wheel, [&] { ++fired; }));
    deadlines.back()->arm(std::chrono::milliseconds(10 + i % 200));
  }
  deadlines[7].reset();  // destroyed while armed
  CHECK(wheel.armed_count() == 999);
  test::run_until(io, [&] { return fired == 999; });
  CHECK(wheel.armed_count() == 0);
}

TEST_CASE("deadlines outliving their loop are detached, not dangling") {
  auto io = std::make_unique<asio::io_context>();
  auto& wheel = TimeoutWheel::of(io->get_executor());
  TimeoutWheel::Deadline deadline(wheel, [] {});
  deadline.arm(1s);
  io.reset();  // the wheel goes with its loop
  CHECK_FALSE(deadline.armed());
  deadline.arm(1s);  // harmless: nothing left to hang on
  deadline.disarm();
}

}  // namespace cicada
