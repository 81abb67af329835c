#pragma once

#include <functional>
#include <optional>
#include "cicada/core/random.hpp"

namespace cicada {

/// How long a user (or task set) sleeps after each task, with Locust's
/// semantics. A value type: the per-user state lives in `PacingState`.
class WaitTime {
 public:
  /// Always `seconds`.
  static WaitTime constant(double seconds);
  /// Uniform in [min_seconds, max_seconds].
  static WaitTime between(double min_seconds, double max_seconds);
  /// One task start every `period_seconds`: waits what is left of the period
  /// after the task ran (0 if it took longer).
  static WaitTime constant_pacing(double period_seconds);
  /// `tasks_per_second` task runs per second per user: constant_pacing(1 / rate).
  static WaitTime constant_throughput(double tasks_per_second);
  /// Any function of the user's random generator.
  static WaitTime custom(std::function<double(cicada::Random&)> seconds);

  bool is_pacing() const { return kind_ == Kind::kPacing; }
  /// constant_pacing's period (constant_throughput's 1 / rate) in seconds; nullopt otherwise.
  std::optional<double> pacing_period() const {
    return kind_ == Kind::kPacing ? std::optional<double>(a_) : std::nullopt;
  }

  /// Per-owner memory of constant_pacing: when the last wait started and how long it was.
  struct PacingState {
    double last_run = 0;   ///< seconds on the caller's monotonic clock
    double last_wait = 0;  ///< seconds
  };

  /// A fresh pacing state for an owner created at `now_seconds` (Locust
  /// 2.46: the first wait counts from the owner's creation).
  static PacingState pacing_start(double now_seconds) { return PacingState{now_seconds, 0}; }

  /// The next wait in seconds.
  double next_wait_seconds(PacingState& pacing, double now_seconds, cicada::Random& rng) const;

 private:
  enum class Kind { kConstant, kBetween, kPacing, kCustom };
  WaitTime(Kind kind, double a, double b) : kind_(kind), a_(a), b_(b) {}

  Kind kind_ = Kind::kConstant;
  double a_ = 0;
  double b_ = 0;
  std::function<double(cicada::Random&)> custom_;
};

inline WaitTime constant(double seconds) {
  return WaitTime::constant(seconds);
}
inline WaitTime between(double min_seconds, double max_seconds) {
  return WaitTime::between(min_seconds, max_seconds);
}
inline WaitTime constant_pacing(double period_seconds) {
  return WaitTime::constant_pacing(period_seconds);
}
inline WaitTime constant_throughput(double tasks_per_second) {
  return WaitTime::constant_throughput(tasks_per_second);
}

}  // namespace cicada
