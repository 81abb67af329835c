#pragma once

#include <cstdint>
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

/// Forks the workers, waits for them, and returns the largest exit code
/// (SIGINT/SIGTERM are passed on to them).
int supervise_processes(std::int64_t requested, const cli::Options& options,
                        const cli::TestDefinition& test);

}  // namespace cicada::worker
