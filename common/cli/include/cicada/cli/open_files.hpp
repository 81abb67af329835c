#pragma once

#include <cstdint>
#include <optional>

namespace cicada::cli {

/// Raises this process's open-files soft limit to its hard limit, as Locust
/// does: each HTTP user holds a connection, and the usual soft limit (1024)
/// would cap a test at about a thousand users. With `users` known, warns when
/// even the hard limit is below what they need. Returns the soft limit now.
std::uint64_t raise_open_files_limit(std::optional<std::int64_t> users);

}  // namespace cicada::cli
