#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

// The last lines this process logged, formatted as its log shows them: the
// web UI's /logs (Locust keeps 500). Thread-safe.

namespace cicada::web {

/// Keeps a copy of what `logger` logs from now on (idempotent per logger).
/// Call before the logger's set_pattern so the copy is formatted alike.
void keep_log_history(spdlog::logger& logger);

struct LogLines {
  std::vector<std::string> lines;  ///< the last (up to) 500, oldest first
  std::uint64_t logged = 0;        ///< every line logged since the start
};
LogLines recent_log_lines();

}  // namespace cicada::web
