// Fuzz target: a config file (--config), read with the command line of each
// program. A bad file must give an exit code and a message, nothing else.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "cicada/cli/options.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/cicada-config-fuzz-" + std::to_string(::getpid()) + ".conf";
  {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const std::string config = "--config=" + path;
  const char* argv[] = {"cicada", config.c_str()};
  using cicada::cli::Program;
  for (Program program : {Program::kStandalone, Program::kMaster, Program::kWorker}) {
    const auto parsed = cicada::cli::parse_options(2, argv, program);
    if (!parsed.options && parsed.exit_code == 0 && parsed.out.empty()) __builtin_trap();
  }
  return 0;
}
