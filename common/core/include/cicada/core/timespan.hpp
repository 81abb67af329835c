#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace cicada {

/// Locust's time span: digits alone are seconds ("90"); otherwise the whole
/// text must be hours, minutes and seconds in that order ("1h30m", "20s",
/// "3h30m10s"). Returns whole seconds, or nullopt for anything else.
std::optional<std::int64_t> parse_timespan(std::string_view text);

/// Locust's error text for a bad time span.
inline constexpr std::string_view kTimespanHelp =
    "Invalid time span format. Valid formats: 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.";

}  // namespace cicada
