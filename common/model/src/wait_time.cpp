#include "cicada/model/wait_time.hpp"

#include <algorithm>
#include <stdexcept>

namespace cicada {

WaitTime WaitTime::constant(double seconds) {
  if (!(seconds >= 0)) throw std::invalid_argument("constant wait time must be >= 0 seconds");
  return WaitTime(Kind::kConstant, seconds, seconds);
}

WaitTime WaitTime::between(double min_seconds, double max_seconds) {
  if (!(min_seconds >= 0) || !(max_seconds >= min_seconds)) {
    throw std::invalid_argument("between(min, max) needs 0 <= min <= max");
  }
  return WaitTime(Kind::kBetween, min_seconds, max_seconds);
}

WaitTime WaitTime::constant_pacing(double period_seconds) {
  if (!(period_seconds >= 0))
    throw std::invalid_argument("constant_pacing period must be >= 0 seconds");
  return WaitTime(Kind::kPacing, period_seconds, 0);
}

WaitTime WaitTime::constant_throughput(double tasks_per_second) {
  if (!(tasks_per_second > 0)) throw std::invalid_argument("constant_throughput rate must be > 0");
  return WaitTime(Kind::kPacing, 1.0 / tasks_per_second, 0);
}

WaitTime WaitTime::custom(std::function<double(cicada::Random&)> seconds) {
  WaitTime wait(Kind::kCustom, 0, 0);
  wait.custom_ = std::move(seconds);
  return wait;
}

double WaitTime::next_wait_seconds(PacingState& pacing, double now_seconds,
                                   cicada::Random& rng) const {
  switch (kind_) {
    case Kind::kConstant:
      return a_;
    case Kind::kBetween:
      // Locust: min + random() * (max - min), random() uniform in [0, 1).
      return a_ + rng.uniform() * (b_ - a_);
    case Kind::kPacing: {
      // The task ran from the end of the last wait until now.
      const double run_time = now_seconds - pacing.last_run - pacing.last_wait;
      const double wait = std::max(0.0, a_ - run_time);
      pacing.last_wait = wait;
      pacing.last_run = now_seconds;
      return wait;
    }
    case Kind::kCustom:
      return std::max(0.0, custom_(rng));
  }
  return 0;
}

}  // namespace cicada
