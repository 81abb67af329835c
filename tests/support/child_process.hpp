#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace cicada::test {

/// A real process started for a test (a server, an executable under test).
/// Killed (SIGTERM, then SIGKILL) when destroyed, so no test leaves one behind.
class ChildProcess {
 public:
  /// Starts `argv[0]` (searched in PATH) with its stdout and stderr sent to `log_path`.
  ChildProcess(std::vector<std::string> argv, const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// Sends `signal` (SIGTERM by default).
  void signal(int signal_number);
  /// Waits up to `limit` for the process to end; its exit code, or -1 on timeout
  /// (128 + signal when killed by a signal).
  int wait(std::chrono::milliseconds limit);
  bool running();

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

/// Runs a command to completion (bounded by `limit`), returning its exit code.
int run_command(const std::vector<std::string>& argv, const std::string& log_path,
                std::chrono::milliseconds limit = std::chrono::seconds(60));

/// A TCP port on 127.0.0.1 that was free a moment ago.
unsigned short free_port();

/// A fresh empty folder under the build's temporary space.
std::string make_temp_dir(const std::string& prefix);

/// The whole content of a file, or "" if it cannot be read.
std::string read_file(const std::string& path);

}  // namespace cicada::test
