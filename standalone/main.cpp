// cicada: a load test on this machine, as `locust --headless` runs one.
#include <cstdio>
#include <exception>

#include "cicada/cli/open_files.hpp"
#include "cicada/cli/options.hpp"
#include "cicada/cli/run.hpp"
#include "cicada/cli/test_files.hpp"

int main(int argc, char** argv) {
  auto parsed = cicada::cli::parse_command_line(argc, argv, cicada::cli::Program::kStandalone);
  std::fputs(parsed.out.c_str(), stdout);
  std::fputs(parsed.err.c_str(), stderr);
  if (!parsed.options) return parsed.exit_code;
  const auto& options = *parsed.options;
  if (!cicada::cli::setup_logging(options, "cicada")) return 2;
  cicada::cli::raise_open_files_limit(options.users);

  auto prepared = cicada::cli::prepare_test(options, "cicada", false);
  if (prepared.exit_code) return *prepared.exit_code;
  try {
    return cicada::cli::run_standalone(options, std::move(prepared.test));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cicada: error: %s\n", e.what());
    return 2;
  }
}
