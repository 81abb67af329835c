#pragma once

#include <vector>

#include "cicada/cli/options.hpp"
#include "cicada/model/user_class.hpp"

namespace cicada::master {

/// The cicada-master process after option parsing: binds, waits for
/// --expect-workers (headless), ramps, stops at --run-time, writes the
/// outputs. `user_classes` may be empty: cicada workers announce theirs.
/// Returns Locust's exit code.
int run_master(const cli::Options& options, std::vector<UserClass> user_classes);

}  // namespace cicada::master
