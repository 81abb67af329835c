#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace cicada {
class Environment;
namespace stats {
class StatsEntry;
class RequestStats;
}  // namespace stats
}  // namespace cicada

// The JSON bodies of Locust's stats routes, built on the load loop's thread
// (they read the live statistics) with Locust's keys: the union of Locust
// 2.46's and 2.12.1's, so tools written against either work.

namespace cicada::web {

class CurrentWindow;

/// /stats/requests: every entry (first 500, sorted) and Aggregated, errors,
/// rates, current percentiles (Locust's, and exact ones from `window` when
/// given), state, users; workers on a master.
std::string stats_requests_json(Environment& environment, const CurrentWindow* window = nullptr);

/// One entry as /stats/requests lists it (`total` gives the rates' time span).
nlohmann::json entry_json(const stats::StatsEntry& entry, const stats::StatsEntry& total);

/// Unix seconds as UTC "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_iso(double unix_seconds);

/// The chart history as Locust's report and UI carry it: per sample
/// {"time": ISO, "<series>": [ISO, value], ...}; with `closing_time`, one more
/// sample of the figures now, stamped then, with `closing_users`.
nlohmann::json history_json(const stats::RequestStats& stats, std::optional<double> closing_time,
                            std::int64_t closing_users);

/// Compact JSON text; bytes that are not UTF-8 (names and errors come from
/// the network and user code) become U+FFFD instead of failing the route.
std::string dumped_json(const nlohmann::json& value);

/// /exceptions: {"exceptions": [{"count", "msg", "traceback", "nodes"}]}.
std::string exceptions_json(Environment& environment);

/// /logs: {"master": [lines], "workers": {"id": [lines]}}.
std::string logs_json(Environment& environment);

}  // namespace cicada::web
