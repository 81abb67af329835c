#pragma once

#include <vector>

#include "cicada/cli/options.hpp"
#include "cicada/cli/run.hpp"
#include "cicada/model/user_class.hpp"

namespace cicada::worker {

/// The cicada-worker process after option parsing: connects to the master,
/// runs what it is told until the master says quit (or SIGINT/SIGTERM).
/// Returns the exit code: 0, or 255 when the master never answered (as Locust).
int run_worker(const cli::Options& options, cli::TestDefinition test);

}  // namespace cicada::worker
