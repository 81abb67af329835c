#include "cicada/report/threshold_report.hpp"

#include <algorithm>

#include "cicada/report/python_format.hpp"

namespace cicada::report {

std::vector<std::string> threshold_table(const std::vector<stats::ThresholdResult>& results) {
  std::size_t failed = 0;
  std::size_t text_width = 9;
  std::size_t row_width = 4;
  for (const auto& result : results) {
    failed += result.passed ? 0 : 1;
    text_width = std::max(text_width, result.threshold->text.size());
    row_width = std::max(row_width, result.row.size());
  }
  std::vector<std::string> lines;
  lines.push_back("Thresholds: " + std::to_string(results.size() - failed) + " passed, " +
                  std::to_string(failed) + " failed");
  for (const auto& result : results) {
    std::string line = result.passed ? "  pass  " : "  FAIL  ";
    line += result.threshold->text + std::string(text_width - result.threshold->text.size(), ' ');
    line += "  " + result.row + std::string(row_width - result.row.size(), ' ');
    line += "  " + result.observed_text();
    lines.push_back(line);
  }
  return lines;
}

std::string thresholds_csv(const std::vector<stats::ThresholdResult>& results) {
  std::string out = "Threshold,Name,Observed,Result\r\n";
  for (const auto& result : results) {
    out += csv_field(result.threshold->text) + "," + csv_field(result.row) + "," +
           csv_field(result.observed ? result.observed_text() : "") + "," +
           (result.passed ? "pass" : "fail") + "\r\n";
  }
  return out;
}

}  // namespace cicada::report
