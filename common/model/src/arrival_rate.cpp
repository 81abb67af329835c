#include "cicada/model/arrival_rate.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace cicada {

void ArrivalRate::validate() const {
  if (!(rate >= 0)) throw std::invalid_argument("an arrival rate must be >= 0 per second");
  if (max_concurrency < 1) throw std::invalid_argument("max_concurrency must be >= 1");
  for (const auto& leg : ramp) {
    if (!(leg.to_rate >= 0)) throw std::invalid_argument("a ramp's rate must be >= 0 per second");
    if (!(leg.over_seconds > 0)) throw std::invalid_argument("a ramp's duration must be > 0");
  }
  const bool any_rate = rate > 0 || std::any_of(ramp.begin(), ramp.end(), [](const RateRamp& leg) {
                          return leg.to_rate > 0;
                        });
  if (!any_rate) throw std::invalid_argument("an arrival rate that is 0 throughout starts nothing");
}

double ArrivalRate::rate_at(double elapsed_seconds) const {
  double from = rate;
  double leg_start = 0;
  for (const auto& leg : ramp) {
    if (elapsed_seconds < leg_start + leg.over_seconds) {
      const double progress = std::max(0.0, elapsed_seconds - leg_start) / leg.over_seconds;
      return from + (leg.to_rate - from) * progress;
    }
    from = leg.to_rate;
    leg_start += leg.over_seconds;
  }
  return from;
}

double ArrivalRate::iterations_by(double elapsed_seconds) const {
  const double until = std::max(0.0, elapsed_seconds);
  double due = 0;
  double from = rate;
  double leg_start = 0;
  for (const auto& leg : ramp) {
    const double leg_end = leg_start + leg.over_seconds;
    if (until <= leg_start) return due;
    // The area under a straight line from `from` to the rate reached at `upto`.
    const double upto = std::min(until, leg_end);
    const double reached = from + (leg.to_rate - from) * (upto - leg_start) / leg.over_seconds;
    due += (from + reached) / 2 * (upto - leg_start);
    if (until < leg_end) return due;
    from = leg.to_rate;
    leg_start = leg_end;
  }
  return due + from * (until - leg_start);
}

std::string ArrivalRate::describe() const {
  std::string text = fmt::format("{:g}/s", rate);
  for (const auto& leg : ramp)
    text += fmt::format(", then {:g}/s over {:g} s", leg.to_rate, leg.over_seconds);
  return text;
}

}  // namespace cicada
