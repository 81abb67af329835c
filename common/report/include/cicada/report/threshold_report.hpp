#pragma once

#include <string>
#include <vector>

#include "cicada/stats/thresholds.hpp"

namespace cicada::report {

/// The console's lines: "Thresholds: 2 passed, 1 failed" and one line each.
std::vector<std::string> threshold_table(const std::vector<stats::ThresholdResult>& results);

/// The `_thresholds.csv` file: Threshold,Name,Observed,Result.
std::string thresholds_csv(const std::vector<stats::ThresholdResult>& results);

}  // namespace cicada::report
