#include "cicada/model/wait_time.hpp"

#include <doctest/doctest.h>

#include <random>

#include "cicada/core/random.hpp"

namespace cicada {

TEST_CASE("constant waits the same every time") {
  cicada::Random rng(1);
  auto pacing = WaitTime::pacing_start(0);
  const auto wait = constant(2.5);
  CHECK(wait.next_wait_seconds(pacing, 10, rng) == 2.5);
  CHECK(wait.next_wait_seconds(pacing, 99, rng) == 2.5);
}

TEST_CASE("between is uniform from min to max") {
  cicada::Random rng(42);
  auto pacing = WaitTime::pacing_start(0);
  const auto wait = between(0.5, 1.5);
  double sum = 0;
  double low = 10;
  double high = 0;
  constexpr int kSamples = 20'000;
  for (int i = 0; i < kSamples; ++i) {
    const double w = wait.next_wait_seconds(pacing, 0, rng);
    REQUIRE(w >= 0.5);
    REQUIRE(w < 1.5);
    low = std::min(low, w);
    high = std::max(high, w);
    sum += w;
  }
  CHECK(sum / kSamples == doctest::Approx(1.0).epsilon(0.01));
  CHECK(low < 0.51);
  CHECK(high > 1.49);
}

TEST_CASE("constant_pacing aims at one task start per period") {
  cicada::Random rng(1);
  const auto wait = constant_pacing(10);
  // Created at t=100 (Locust 2.46: the first wait counts from creation).
  auto pacing = WaitTime::pacing_start(100);
  // First task took 3 s: wait 7.
  CHECK(wait.next_wait_seconds(pacing, 103, rng) == doctest::Approx(7));
  // Woke at 110; the next task took 4 s: wait 6.
  CHECK(wait.next_wait_seconds(pacing, 114, rng) == doctest::Approx(6));
  // Woke at 120; a task of 12 s overran the period: no wait.
  CHECK(wait.next_wait_seconds(pacing, 132, rng) == 0);
  // Then a 1 s task: wait 9 (the overrun is not made up).
  CHECK(wait.next_wait_seconds(pacing, 133, rng) == doctest::Approx(9));
}

TEST_CASE("constant_throughput is pacing at 1/rate") {
  cicada::Random rng(1);
  const auto wait = constant_throughput(4);  // a task every 0.25 s
  auto pacing = WaitTime::pacing_start(0);
  CHECK(wait.next_wait_seconds(pacing, 0.05, rng) == doctest::Approx(0.2));
}

TEST_CASE("invalid wait times are refused with a clear message") {
  CHECK_THROWS_WITH(between(2, 1), "between(min, max) needs 0 <= min <= max");
  CHECK_THROWS_WITH(constant(-1), "constant wait time must be >= 0 seconds");
  CHECK_THROWS_WITH(constant_throughput(0), "constant_throughput rate must be > 0");
}

}  // namespace cicada
