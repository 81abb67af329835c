#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cicada/core/clock.hpp"

namespace cicada {

class Runner;

/// What a load shape asks for at one moment.
struct ShapeTick {
  std::int64_t users = 0;
  double spawn_rate = 1;
  /// Only these user classes are spawned from now on (names); nullopt: all.
  std::optional<std::vector<std::string>> user_classes;
  bool operator==(const ShapeTick&) const = default;
};

/// A load shape (Locust's LoadTestShape): the runner in charge (local or
/// master) asks tick() once a second and ramps to each new answer; no answer
/// ends the test.
///
///     class DoubleWave : public cicada::LoadTestShape {
///       std::optional<cicada::ShapeTick> tick() override {
///         const double t = get_run_time();
///         if (t > 600) return std::nullopt;
///         return cicada::ShapeTick{t < 300 ? 100 : 50, 10};
///       }
///     };
///     env.set_shape(std::make_shared<DoubleWave>());
///     env.runner().start_shape();
class LoadTestShape {
 public:
  virtual ~LoadTestShape() = default;

  /// The users and spawn rate wanted now, or nothing to end the test.
  virtual std::optional<ShapeTick> tick() = 0;
  /// A name for the log and the web UI.
  virtual std::string name() const { return "LoadTestShape"; }

  /// Seconds since the shape started (or since reset_time()).
  double get_run_time() const { return steady_seconds() - start_time_; }
  /// Starts counting get_run_time() from now; the runner calls it when the shape starts.
  void reset_time() { start_time_ = steady_seconds(); }

  /// The runner polling this shape; nullptr until it starts.
  Runner* runner() const { return runner_; }
  void set_runner(Runner* runner) { runner_ = runner; }

 private:
  double start_time_ = steady_seconds();
  Runner* runner_ = nullptr;
};

/// One stage of a StagesShape.
struct ShapeStage {
  double end_seconds = 0;  ///< the stage lasts until this long after the start
  std::int64_t users = 0;
  double spawn_rate = 1;
  std::optional<std::vector<std::string>> user_classes;
};

/// Stages, as Locust's StagesShape example and YAML `stages:`: each stage
/// holds until its end time (counted from the start of the test), then the
/// next takes over; after the last one the test ends.
class StagesShape : public LoadTestShape {
 public:
  /// Throws std::invalid_argument unless the end times grow and the users
  /// and rates are valid.
  explicit StagesShape(std::vector<ShapeStage> stages);

  std::optional<ShapeTick> tick() override { return tick_at(get_run_time()); }
  std::string name() const override { return "StagesShape"; }

  /// What tick() answers `run_time` seconds after the start.
  std::optional<ShapeTick> tick_at(double run_time) const;
  const std::vector<ShapeStage>& stages() const { return stages_; }

 private:
  std::vector<ShapeStage> stages_;
};

}  // namespace cicada
