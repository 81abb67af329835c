// cicada: a load test on this machine, as `locust --headless` runs one.
#include <cstdio>
#include <exception>

#include "cicada/cli/options.hpp"
#include "cicada/cli/run.hpp"

int main(int argc, char** argv) {
  auto parsed = cicada::cli::parse_options(argc, argv, cicada::cli::Program::kStandalone);
  std::fputs(parsed.out.c_str(), stdout);
  std::fputs(parsed.err.c_str(), stderr);
  if (!parsed.options) return parsed.exit_code;
  const auto& options = *parsed.options;
  if (!cicada::cli::setup_logging(options, "cicada")) return 2;

  std::vector<cicada::UserClass> classes;
  try {
    classes = cicada::cli::load_user_classes(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cicada: error: %s\n", e.what());
    return 2;
  }
  if (options.list) {
    std::printf("Available Users:\n");
    for (const auto& user_class : classes) std::printf("    %s\n", user_class.name().c_str());
    return 0;
  }
  if (!options.headless) {
    std::fprintf(stderr, "cicada: error: the web UI is not available yet: add --headless\n");
    return 2;
  }
  try {
    return cicada::cli::run_standalone(options, std::move(classes));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cicada: error: %s\n", e.what());
    return 2;
  }
}
