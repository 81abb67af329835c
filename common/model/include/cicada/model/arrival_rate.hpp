#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cicada {

/// One leg of a ramping arrival rate: from the rate where the previous leg
/// ended, change linearly to `to_rate` over `over_seconds`.
struct RateRamp {
  double to_rate = 0;       ///< iterations per second at the end of the leg
  double over_seconds = 0;  ///< > 0
};

/// An open workload model for a user class (k6's constant- and
/// ramping-arrival-rate executors): iterations start on a schedule of their
/// own, however long the responses take, instead of each user looping
/// task-wait-task. An iteration is one task of the class, picked by weight.
/// Users are made as the schedule needs them, up to `max_concurrency`, and
/// reused; an iteration due when all of them are busy is dropped and counted.
///
/// Rates are for the whole test: a master spreads them (and the cap) evenly
/// over its workers.
///
///     UserClass checkout = UserClass::define<Checkout>("Checkout")
///                              .task("buy", &Checkout::buy)
///                              .arrival_rate({.rate = 10, .ramp = {{.to_rate = 200,
///                                                                   .over_seconds = 60}}});
struct ArrivalRate {
  double rate = 0;                      ///< iterations per second at the start
  std::vector<RateRamp> ramp = {};      ///< legs after the start; the last rate then holds
  std::int64_t max_concurrency = 1000;  ///< iterations running at once, at most

  /// Throws std::invalid_argument naming the first bad value.
  void validate() const;
  /// The rate `elapsed_seconds` after the start.
  double rate_at(double elapsed_seconds) const;
  /// Iterations due from the start until `elapsed_seconds` (the integral of
  /// the rate; fractional).
  double iterations_by(double elapsed_seconds) const;
  /// "50/s" or "10/s, then 200/s over 60 s" for logs.
  std::string describe() const;
};

}  // namespace cicada
