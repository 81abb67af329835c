// cicada: a load test on this machine, as `locust --headless` runs one.
#include <cstdio>
#include <exception>

#include "cicada/cli/open_files.hpp"
#include "cicada/cli/options.hpp"
#include "cicada/cli/run.hpp"
#include "cicada/cli/test_files.hpp"
#include "cicada/master/master_app.hpp"
#include "cicada/worker/processes.hpp"

int main(int argc, char** argv) {
  auto parsed = cicada::cli::parse_command_line(argc, argv, cicada::cli::Program::kStandalone);
  std::fputs(parsed.out.c_str(), stdout);
  std::fputs(parsed.err.c_str(), stderr);
  if (!parsed.options) return parsed.exit_code;
  const auto& options = *parsed.options;
  cicada::cli::raise_open_files_limit(options.users);
  // With --processes, logging starts after the workers are forked.
  if (!options.processes && !cicada::cli::setup_logging(options, "cicada")) return 2;

  auto prepared = cicada::cli::prepare_test(options, "cicada", false);
  if (prepared.exit_code) return *prepared.exit_code;
  if (options.processes) {
    // As `locust --processes N`: a master on loopback with N worker processes.
    cicada::cli::Options master_options = options;
    master_options.master_bind_host = "127.0.0.1";
    master_options.master_bind_port = cicada::cli::free_loopback_port();
    master_options.expect_workers = cicada::worker::process_count(*options.processes);
    return cicada::worker::run_master_with_local_workers(master_options, std::move(prepared.test),
                                                         "cicada", cicada::master::run_master);
  }
  try {
    return cicada::cli::run_standalone(options, std::move(prepared.test));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cicada: error: %s\n", e.what());
    return 2;
  }
}
