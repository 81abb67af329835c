#pragma once

#include <fstream>
#include <string>

#include "cicada/runner/runner.hpp"

namespace cicada {
class Environment;
}

namespace cicada::report {

/// Keeps Locust's four CSV files up to date (--csv PREFIX): creates missing
/// folders, writes the headers at once, then every second rewrites
/// PREFIX_stats.csv, PREFIX_failures.csv and PREFIX_exceptions.csv and
/// appends to PREFIX_stats_history.csv. Runs on the runner's loop.
class CsvFileWriter {
 public:
  /// Throws std::runtime_error naming the file that cannot be written.
  CsvFileWriter(Environment& environment, std::string prefix, bool full_history);

  /// Starts the once-a-second updates on the environment's runner.
  void start();
  /// Writes every file now (also done at the end of a run).
  void write_now();

 private:
  void rewrite(const std::string& path, const std::string& content) const;

  Environment& environment_;
  std::string prefix_;
  bool full_history_;
  std::ofstream history_;
};

}  // namespace cicada::report
