#include "cicada/model/load_shape.hpp"

#include <sstream>
#include <stdexcept>
#include <string>

namespace cicada {
namespace {

std::string seconds_text(double seconds) {
  std::ostringstream text;
  text << seconds << " s";
  return text.str();
}

}  // namespace

StagesShape::StagesShape(std::vector<ShapeStage> stages) : stages_(std::move(stages)) {
  if (stages_.empty()) throw std::invalid_argument("a stages shape needs at least one stage");
  double previous_end = 0;
  for (std::size_t i = 0; i < stages_.size(); ++i) {
    const auto& stage = stages_[i];
    const std::string which = "stage " + std::to_string(i + 1);
    if (!(stage.end_seconds > previous_end)) {
      throw std::invalid_argument(
          which + " ends at " + seconds_text(stage.end_seconds) + ", not after " +
          (i == 0 ? std::string("the start")
                  : "stage " + std::to_string(i) + " (" + seconds_text(previous_end) + ")") +
          ": a stage's duration is when it ends, counted from the start of the test");
    }
    if (stage.users < 0) throw std::invalid_argument(which + " has a negative user count");
    if (!(stage.spawn_rate > 0)) throw std::invalid_argument(which + " needs a spawn rate > 0");
    previous_end = stage.end_seconds;
  }
}

std::optional<ShapeTick> StagesShape::tick_at(double run_time) const {
  for (const auto& stage : stages_) {
    if (run_time < stage.end_seconds) {
      return ShapeTick{stage.users, stage.spawn_rate, stage.user_classes};
    }
  }
  return std::nullopt;
}

}  // namespace cicada
