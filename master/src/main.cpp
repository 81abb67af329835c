// cicada-master: spreads users over workers and merges their statistics.
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <exception>

#include "cicada/cli/curve_setup.hpp"
#include "cicada/cli/open_files.hpp"
#include "cicada/cli/options.hpp"
#include "cicada/cli/run.hpp"
#include "cicada/cli/test_files.hpp"
#include "cicada/master/master_app.hpp"
#include "cicada/worker/processes.hpp"

int main(int argc, char** argv) {
  auto parsed = cicada::cli::parse_command_line(argc, argv, cicada::cli::Program::kMaster);
  std::fputs(parsed.out.c_str(), stdout);
  std::fputs(parsed.err.c_str(), stderr);
  if (!parsed.options) return parsed.exit_code;
  auto options = *parsed.options;
  if (options.curve_keygen)
    return cicada::cli::generate_curve_keys(*options.curve_keygen, "cicada-master");

  // Without -f (and no default file) the master learns the classes from its cicada workers.
  auto prepared = cicada::cli::prepare_test(options, "cicada-master", true);
  if (prepared.exit_code) return *prepared.exit_code;
  // Raised before --processes forks, so the local workers inherit it.
  cicada::cli::raise_open_files_limit(std::nullopt);
  // --processes N: fork the local workers first, while this process has no threads yet.
  std::vector<pid_t> children;
  if (options.processes) {
    if (options.master_bind_port == 0) {
      std::fprintf(stderr, "cicada-master: error: --processes needs a fixed --master-bind-port\n");
      return 2;
    }
    auto worker_options = options;
    worker_options.master_host = "127.0.0.1";
    worker_options.master_port = options.master_bind_port;
    worker_options.logfile.reset();
    worker_options.health_port.reset();  // the master serves the probes
    // With CURVE, the local workers speak as the master itself (it accepts its own key).
    worker_options.curve_master_key_file = options.curve_secret_key_file;
    worker_options.curve_authorized_keys.clear();
    const auto count = cicada::worker::process_count(*options.processes);
    children = cicada::worker::fork_workers(count, worker_options, prepared.test);
    options.processes = count;
  }
  if (!cicada::cli::setup_logging(options, "cicada-master")) return 2;
  int code = 2;
  try {
    code = cicada::master::run_master(options, std::move(prepared.test));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cicada-master: error: %s\n", e.what());
  }
  // The local workers got quit from us; give them a moment, then make sure.
  for (pid_t pid : children) {
    for (int i = 0; i < 300 && ::waitpid(pid, nullptr, WNOHANG) == 0; ++i) ::usleep(10'000);
    if (::waitpid(pid, nullptr, WNOHANG) == 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  }
  return code;
}
