#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cicada/model/user_class.hpp"

namespace cicada::web {

/// Locust's /tasks body: {"per_class": R, "total": R}, R = {class: {"ratio",
/// "tasks": {task: {"ratio"[, "tasks"]}}}}. A class's ratio is its share of
/// the users running now (0 for all when none run); a task's is its share of
/// its list's weight, relative to its parent in "per_class" and multiplied
/// down the nesting in "total".
std::string task_ratio_json(const std::vector<UserClass>& classes,
                            const std::map<std::string, double>& users_per_class);

/// Users per class for the ratios: the ones running, or, when none run (a
/// report after the test), the classes' fixed counts and weights.
std::map<std::string, double> ratio_basis(const std::vector<UserClass>& classes,
                                          const std::map<std::string, std::int64_t>& running);

}  // namespace cicada::web
