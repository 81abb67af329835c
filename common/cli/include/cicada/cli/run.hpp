#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <optional>
#include <stdexcept>

#include "cicada/cli/options.hpp"
#include "cicada/model/user_class.hpp"
#include "cicada/runner/environment.hpp"

namespace cicada {
class Runner;
namespace report {
class CsvFileWriter;
}
namespace web {
class HealthServer;
}
}  // namespace cicada

namespace cicada::cli {

/// Sets spdlog's level and sink from --loglevel and --logfile, with Locust's
/// line format. Returns false (after printing why) if the log file cannot be opened.
bool setup_logging(const Options& options, const char* program);

/// What -f defines: user classes and a load shape (YAML `stages:` or a
/// plugin's), thresholds, and a plugin's hooks for the `init` event.
struct TestDefinition {
  std::vector<UserClass> user_classes;
  std::shared_ptr<LoadTestShape> shape;      ///< nullptr: -u and -r decide
  std::vector<stats::Threshold> thresholds;  ///< the file's, added to --threshold's
  std::vector<std::function<void(Environment&)>> init_hooks = {};
};

/// The exit code of a run whose thresholds did not all hold (before
/// --exit-code-on-error: a threshold is the run's own verdict).
inline constexpr int kThresholdExitCode = 3;

/// Puts the definition's load shape and thresholds into the environment, and
/// its init hooks on the `init` event.
void adopt_test(Environment& environment, TestDefinition test);

/// A positional class name that the test does not define (Locust exits 1 for it).
class UnknownUserClass : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Loads the test definition named by -f (YAML scenarios and compiled test
/// plugins, one or a comma list), applies -H and the positional class names. Throws
/// std::runtime_error with one line naming the file and place of any mistake (UnknownUserClass for
/// a name).
TestDefinition load_test(const Options& options);

/// What a test-running executable does before its run: load the test
/// definition (or none, for a master without -f), print the classes for
/// --list. Returns the classes, or the exit code to end
/// with after printing why ("<program>: error: ...").
struct Prepared {
  TestDefinition test;
  std::optional<int> exit_code;
};
Prepared prepare_test(const Options& options, const char* program, bool definition_optional);

/// Locust's exit code: process_exit_code if set, else kThresholdExitCode when
/// a threshold failed, else --exit-code-on-error
/// when anything failed or user code raised, else 2 after an unhandled error
/// in a listener or a background task (spawn_logged), else 0.
int exit_code(Environment& environment, const Options& options);

/// EnvironmentOptions from the command line (host, tags, stop timeout, TLS,
/// CURVE keys...). Throws std::runtime_error naming a key file that is bad.
EnvironmentOptions environment_options(const Options& options);

/// What a headless run leaves behind, around `runner.join()`: the CSV writer
/// and console printer while it runs (call `start()`), then the JSON, CSV and
/// final tables, and Locust's exit code (call `finish()`).
class RunOutputs {
 public:
  RunOutputs(Environment& environment, const Options& options);
  ~RunOutputs();
  void start();
  /// Fires quitting, writes the outputs, fires quit; returns the exit code.
  int finish();

 private:
  /// The thresholds' table after the summary, and `_thresholds.csv` with --csv.
  void report_thresholds();

  Environment& environment_;
  const Options& options_;
  std::unique_ptr<report::CsvFileWriter> csv_;
};

/// Starts a headless or --autostart test: the load shape when there is one
/// (it quits the run when it ends, headless), else -u users at -r per second;
/// then arms --run-time, and with --abort-on-threshold checks the thresholds
/// every second.
void start_test(Runner& runner, const Options& options);

/// Arms --run-time: headless, quits the runner that long from now; with the
/// UI (--autostart), stops the test then and quits after --autoquit seconds.
/// Logs when there is no limit.
void arm_run_time(Runner& runner, const Options& options);

/// Without --headless, starts the web UI on --web-host/--web-port (Locust's
/// default). Returns false after logging why when it cannot bind.
bool start_web_ui(Environment& environment, const Options& options);

/// With --health-port, serves /healthz and /readyz (web::HealthServer) until
/// the handle goes; nullptr without the flag. Throws std::runtime_error
/// naming the address when it cannot bind.
std::unique_ptr<web::HealthServer> start_health_server(Environment& environment,
                                                       const Options& options);

/// Quits the runner on SIGINT or SIGTERM while the returned handle lives.
std::shared_ptr<void> quit_on_signals(Environment& environment, Runner& runner);

/// A TCP port on 127.0.0.1 that was free a moment ago (for `cicada
/// --processes`, whose master and workers meet on loopback); 0 if none.
std::uint16_t free_loopback_port();

/// The whole headless standalone run: ramp, run time, outputs, summary.
/// Returns the process exit code.
int run_standalone(const Options& options, TestDefinition test);

}  // namespace cicada::cli
