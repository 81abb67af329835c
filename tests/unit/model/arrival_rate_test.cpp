#include "cicada/model/arrival_rate.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

#include "cicada/model/user_class.hpp"

namespace cicada {

TEST_CASE("a constant arrival rate is due at that rate from the start") {
  const ArrivalRate rate{.rate = 50};
  CHECK(rate.rate_at(0) == 50);
  CHECK(rate.rate_at(1000) == 50);
  CHECK(rate.iterations_by(0) == 0);
  CHECK(rate.iterations_by(2.5) == doctest::Approx(125));
  CHECK(rate.iterations_by(-1) == 0);
}

TEST_CASE("a ramp changes the rate linearly, then its last rate holds") {
  // 10/s, then up to 30/s over 10 s, then down to 0 over 5 s.
  const ArrivalRate rate{.rate = 10, .ramp = {{.to_rate = 30, .over_seconds = 10},
                                              {.to_rate = 0, .over_seconds = 5}}};
  CHECK(rate.rate_at(0) == 10);
  CHECK(rate.rate_at(5) == doctest::Approx(20));
  CHECK(rate.rate_at(10) == doctest::Approx(30));
  CHECK(rate.rate_at(12.5) == doctest::Approx(15));
  CHECK(rate.rate_at(100) == 0);
  // The area under the rate: a trapezoid (10 -> 30 over 10 s) and a triangle (30 -> 0 over 5 s).
  CHECK(rate.iterations_by(5) == doctest::Approx((10 + 20) / 2.0 * 5));
  CHECK(rate.iterations_by(10) == doctest::Approx(200));
  CHECK(rate.iterations_by(15) == doctest::Approx(275));
  CHECK(rate.iterations_by(60) == doctest::Approx(275));
  CHECK(rate.describe() == "10/s, then 30/s over 10 s, then 0/s over 5 s");
}

TEST_CASE("a ramp from zero starts nothing at first and then catches up with the area") {
  const ArrivalRate rate{.rate = 0, .ramp = {{.to_rate = 100, .over_seconds = 4}}};
  CHECK(rate.iterations_by(2) == doctest::Approx(50));  // a triangle: 2 s up to 50/s
  CHECK(rate.iterations_by(4) == doctest::Approx(200));
  CHECK(rate.iterations_by(5) == doctest::Approx(300));
}

TEST_CASE("bad arrival rates are refused with the reason") {
  const auto refused = [](const ArrivalRate& rate, const std::string& reason) {
    try {
      rate.validate();
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find(reason) != std::string::npos);
    }
  };
  refused({.rate = -1}, ">= 0");
  refused({.rate = 0}, "0 throughout");
  refused({.rate = 5, .max_concurrency = 0}, "max_concurrency must be >= 1");
  refused({.rate = 5, .ramp = {{.to_rate = 10, .over_seconds = 0}}}, "duration must be > 0");
  refused({.rate = 5, .ramp = {{.to_rate = -3, .over_seconds = 1}}}, ">= 0");
  CHECK_NOTHROW(ArrivalRate{.rate = 0, .ramp = {{.to_rate = 1, .over_seconds = 1}}}.validate());
}

TEST_CASE("a user class with an arrival rate is an open-model class") {
  struct Shopper : User {
    using User::User;
    awaitable<void> buy() { co_return; }
  };
  UserClass closed = UserClass::define<Shopper>("Closed").task("buy", &Shopper::buy);
  CHECK_FALSE(closed.open_model());
  UserClass open = UserClass::define<Shopper>("Open")
                       .task("buy", &Shopper::buy)
                       .arrival_rate({.rate = 20, .max_concurrency = 5});
  REQUIRE(open.open_model());
  CHECK(open.arrival_rate()->max_concurrency == 5);
  CHECK_THROWS_WITH_AS(open.set_arrival_rate({.rate = -2}),
                       "user class Open: an arrival rate must be >= 0 per second",
                       std::invalid_argument);
}

}  // namespace cicada
