#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <sys/types.h>

#include "cicada/cli/options.hpp"
#include "cicada/cli/run.hpp"
#include "cicada/model/user_class.hpp"

namespace cicada::worker {

/// How many processes `--processes N` means: N, or one per core for -1.
std::int64_t process_count(std::int64_t requested);

/// Forks `count` worker processes (each runs run_worker) and returns their
/// pids. Call before any thread or socket exists in this process. Only the
/// first serves --health-port.
std::vector<pid_t> fork_workers(std::int64_t count, const cli::Options& options,
                                const cli::TestDefinition& test);

/// A master with `--processes N` local workers, as cicada-master runs it and
/// as `cicada --processes N` does (Locust's `locust --processes N`): forks the
/// workers aimed at the master's port before any thread exists, sets up
/// logging, runs `run_master` (the master library's run_master: passed in, as
/// worker/ does not depend on master/), then makes sure the workers are gone.
/// Returns the master's exit code.
int run_master_with_local_workers(
    cli::Options options, cli::TestDefinition test, const char* program,
    const std::function<int(const cli::Options&, cli::TestDefinition)>& run_master);

/// Forks the workers, waits for them, and returns the largest exit code
/// (SIGINT/SIGTERM are passed on to them).
int supervise_processes(std::int64_t requested, const cli::Options& options,
                        const cli::TestDefinition& test);

}  // namespace cicada::worker
