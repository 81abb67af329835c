#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cicada::stats {

/// Python's `repr()` of a str: single quotes (double quotes when the text
/// holds a single quote and no double quote), with backslash escapes for
/// quotes, backslashes and non-printable characters.
std::string python_repr(std::string_view text);

/// Locust's error key: lowercase hex SHA-256 of
/// "<method>.<name>.<repr(error)>". Python workers and cicada workers produce
/// the same key for the same failure, so a master merges them into one row.
std::string locust_error_key(std::string_view method, std::string_view name,
                             std::string_view error);

/// One row of the failures table: how often (method, name, error) happened.
struct StatsError {
  std::string method;
  std::string name;
  std::string error;
  std::int64_t occurrences = 0;
  std::optional<double> first_seen;  ///< Unix seconds
  std::optional<double> last_seen;
};

}  // namespace cicada::stats
