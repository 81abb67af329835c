#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cicada/model/load_shape.hpp"
#include "cicada/model/user_class.hpp"
#include "cicada/stats/thresholds.hpp"

// Declarative HTTP load tests in YAML (docs/scenarios.md): user classes with
// weights, wait times, tags, on_start/on_stop and tasks made of requests,
// checks, captures, think times and sequences, with ${...} templates.

namespace cicada::scenario {

/// A mistake in a scenario file. what() is one line:
/// "file.yaml:12:7: what is wrong".
class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A loaded scenario: its user classes, ready for an Environment.
struct Scenario {
  std::optional<std::string> host;  ///< the file's top-level host, if any
  std::vector<UserClass> user_classes;
  std::shared_ptr<LoadTestShape> shape;      ///< from `stages:`; nullptr without
  std::vector<stats::Threshold> thresholds;  ///< from `thresholds:`
};

/// Reads and checks the whole file before anything runs. Data files (csv)
/// are read relative to the scenario's folder. Throws ScenarioError.
Scenario load_scenario(const std::string& path);

/// The same from text; `file_name` appears in errors, `base_dir` locates data files.
Scenario parse_scenario(const std::string& text, const std::string& file_name,
                        const std::string& base_dir);

}  // namespace cicada::scenario
