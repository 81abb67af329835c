#pragma once

#include <vector>

#include "cicada/cli/options.hpp"
#include "cicada/cli/run.hpp"

namespace cicada::master {

/// The cicada-master process after option parsing: binds, waits for
/// --expect-workers (headless), ramps, stops at --run-time, writes the
/// outputs. `test.user_classes` may be empty: cicada workers announce theirs.
/// Returns Locust's exit code.
int run_master(const cli::Options& options, cli::TestDefinition test);

}  // namespace cicada::master
