#pragma once

#include <chrono>
#include <string>
#include <thread>

#include "support/child_process.hpp"

namespace cicada::test {

/// cicada-target (`binary`) on a free loopback port, with a fresh folder for
/// the test's files; ready once it has logged that it listens.
struct TargetProcess {
  std::string dir;
  unsigned short port = free_port();
  ChildProcess process;

  TargetProcess(const std::string& binary, const std::string& dir_prefix)
      : dir(make_temp_dir(dir_prefix)),
        process({binary, "--port", std::to_string(port)}, dir + "/target.log") {
    for (int i = 0;
         i < 200 && read_file(dir + "/target.log").find("listening") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

}  // namespace cicada::test
