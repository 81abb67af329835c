#include "cicada/worker/processes.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cicada/cli/run.hpp"
#include "cicada/worker/worker_app.hpp"

namespace cicada::worker {
namespace {
std::vector<pid_t>* supervised = nullptr;
void forward_signal(int signal_number) {
  if (supervised == nullptr) return;
  for (pid_t pid : *supervised) ::kill(pid, signal_number);
}
}  // namespace

std::int64_t process_count(std::int64_t requested) {
  if (requested == -1) return std::max<std::int64_t>(1, std::thread::hardware_concurrency());
  return std::max<std::int64_t>(0, requested);
}

std::vector<pid_t> fork_workers(std::int64_t count, const cli::Options& options,
                                const cli::TestDefinition& test) {
  std::vector<pid_t> children;
  for (std::int64_t i = 0; i < count; ++i) {
    const pid_t pid = ::fork();
    if (pid < 0) {
      std::perror("cicada: fork");
      break;
    }
    if (pid == 0) {
      cli::Options worker_options = options;
      worker_options.processes.reset();
      // One port serves the probes: the first worker's (it stands for the group).
      if (i > 0) worker_options.health_port.reset();
      int code = 2;
      if (cli::setup_logging(worker_options, "cicada-worker"))
        code = run_worker(worker_options, test);
      std::fflush(nullptr);
      ::_exit(code);
    }
    children.push_back(pid);
  }
  return children;
}

int supervise_processes(std::int64_t requested, const cli::Options& options,
                        const cli::TestDefinition& test) {
  std::vector<pid_t> children = fork_workers(process_count(requested), options, test);
  supervised = &children;
  ::signal(SIGINT, forward_signal);
  ::signal(SIGTERM, forward_signal);
  int worst = 0;
  for (pid_t pid : children) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    worst = std::max(worst, code);
  }
  supervised = nullptr;
  return worst;
}

}  // namespace cicada::worker

namespace cicada::worker {

int run_master_with_local_workers(
    cli::Options options, cli::TestDefinition test, const char* program,
    const std::function<int(const cli::Options&, cli::TestDefinition)>& run_master) {
  std::vector<pid_t> children;
  if (options.processes) {
    auto worker_options = options;
    worker_options.master_host = "127.0.0.1";
    worker_options.master_port = options.master_bind_port;
    worker_options.logfile.reset();
    worker_options.health_port.reset();  // the master serves the probes
    // With CURVE, the local workers speak as the master itself (it accepts its own key).
    worker_options.curve_master_key_file = options.curve_secret_key_file;
    worker_options.curve_authorized_keys.clear();
    const auto count = process_count(*options.processes);
    children = fork_workers(count, worker_options, test);
    options.processes = count;
  }
  if (!cli::setup_logging(options, program)) return 2;
  int code = 2;
  try {
    code = run_master(options, std::move(test));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
  }
  // The local workers got quit from the master; give them a moment, then make sure.
  for (pid_t pid : children) {
    for (int i = 0; i < 300 && ::waitpid(pid, nullptr, WNOHANG) == 0; ++i) ::usleep(10'000);
    if (::waitpid(pid, nullptr, WNOHANG) == 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  }
  return code;
}

}  // namespace cicada::worker
