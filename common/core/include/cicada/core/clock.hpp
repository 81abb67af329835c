#pragma once

#include <chrono>

namespace cicada {

/// Wall-clock time, injectable so tests can move time instead of sleeping.
/// Statistics use it for timestamps (Unix seconds, as Locust reports them).
class Clock {
 public:
  virtual ~Clock() = default;
  /// Unix time in seconds, with sub-second precision.
  virtual double now_seconds() const = 0;
};

/// The real clock.
class SystemClock final : public Clock {
 public:
  double now_seconds() const override {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  /// A process-wide instance.
  static const SystemClock& instance() {
    static const SystemClock clock;
    return clock;
  }
};

/// A clock that only moves when told to. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(double start_seconds = 1'700'000'000.0) : now_(start_seconds) {}
  double now_seconds() const override { return now_; }
  void set(double seconds) { now_ = seconds; }
  void advance(double seconds) { now_ += seconds; }

 private:
  double now_;
};

/// Unix time in seconds (wall clock), for timestamps others read.
inline double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// Seconds on the monotonic clock, for pacing and timeouts (not wall time).
inline double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace cicada
