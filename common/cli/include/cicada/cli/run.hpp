#pragma once

#include <vector>

#include "cicada/cli/options.hpp"
#include "cicada/model/user_class.hpp"

namespace cicada {
class Environment;
}

namespace cicada::cli {

/// Sets spdlog's level and sink from --loglevel and --logfile, with Locust's
/// line format. Returns false (after printing why) if the log file cannot be opened.
bool setup_logging(const Options& options, const char* program);

/// Loads the test definition named by -f (a YAML scenario), applies -H and
/// the positional class names. Throws std::runtime_error with one line
/// naming the file and place of any mistake.
std::vector<UserClass> load_user_classes(const Options& options);

/// Locust's exit code: process_exit_code if set, else --exit-code-on-error
/// when anything failed or user code raised, else 2 after an unhandled error
/// in a listener, else 0.
int exit_code(Environment& environment, const Options& options);

/// The whole headless standalone run: ramp, run time, outputs, summary.
/// Returns the process exit code.
int run_standalone(const Options& options, std::vector<UserClass> user_classes);

}  // namespace cicada::cli
