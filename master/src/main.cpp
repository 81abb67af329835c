// cicada-master: spreads users over workers and merges their statistics.
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
  if (options.processes && options.master_bind_port == 0) {
    std::fprintf(stderr, "cicada-master: error: --processes needs a fixed --master-bind-port\n");
    return 2;
  }
  return cicada::worker::run_master_with_local_workers(options, std::move(prepared.test),
                                                       "cicada-master", cicada::master::run_master);
}
