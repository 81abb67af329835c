// cicada-worker: runs users for a master (cicada's or Locust's).
#include <cstdio>
#include <exception>

#include "cicada/cli/curve_setup.hpp"
#include "cicada/cli/open_files.hpp"
#include "cicada/cli/options.hpp"
#include "cicada/cli/run.hpp"
#include "cicada/cli/test_files.hpp"
#include "cicada/worker/processes.hpp"
#include "cicada/worker/worker_app.hpp"

int main(int argc, char** argv) {
  auto parsed = cicada::cli::parse_command_line(argc, argv, cicada::cli::Program::kWorker);
  std::fputs(parsed.out.c_str(), stdout);
  std::fputs(parsed.err.c_str(), stderr);
  if (!parsed.options) return parsed.exit_code;
  const auto& options = *parsed.options;
  if (options.curve_keygen)
    return cicada::cli::generate_curve_keys(*options.curve_keygen, "cicada-worker");

  cicada::cli::TestDefinition test;
  try {
    test = cicada::cli::load_test(options);
  } catch (const cicada::cli::UnknownUserClass& e) {
    std::fprintf(stderr, "cicada-worker: error: %s\n", e.what());
    return 1;  // as Locust
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cicada-worker: error: %s\n", e.what());
    return 2;
  }
  // Before --processes forks: the worker processes inherit the raised limit.
  cicada::cli::raise_open_files_limit(std::nullopt);
  // --processes N: N worker processes under this one, which only supervises.
  if (options.processes)
    return cicada::worker::supervise_processes(*options.processes, options, test);
  if (!cicada::cli::setup_logging(options, "cicada-worker")) return 2;
  try {
    return cicada::worker::run_worker(options, std::move(test));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cicada-worker: error: %s\n", e.what());
    return 2;
  }
}
