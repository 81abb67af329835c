#pragma once

#include <string>

#include "cicada/cli/options.hpp"
#include "cicada/runner/environment.hpp"

namespace cicada::cli {

/// The CURVE keys named by --curve-secret-key, --curve-master-key and
/// --curve-authorized-keys, read from their files; all empty without them.
/// Throws std::runtime_error naming the file and line of a bad key.
CurveKeys load_curve_keys(const Options& options);

/// --curve-keygen PREFIX: writes PREFIX.key and PREFIX.pub and says what goes
/// where. Returns the exit code (1, after saying why, when a file cannot be written).
int generate_curve_keys(const std::string& prefix, const char* program);

}  // namespace cicada::cli
