#pragma once

#include <string>

namespace cicada {
class Environment;
}

// The JSON bodies of Locust's stats routes, built on the load loop's thread
// (they read the live statistics) with Locust's keys: the union of Locust
// 2.46's and 2.12.1's, so tools written against either work.

namespace cicada::web {

/// /stats/requests: every entry (first 500, sorted) and Aggregated, errors,
/// rates, current percentiles, state, users; workers on a master.
std::string stats_requests_json(Environment& environment);

/// /exceptions: {"exceptions": [{"count", "msg", "traceback", "nodes"}]}.
std::string exceptions_json(Environment& environment);

/// /logs: {"master": [lines], "workers": {"id": [lines]}}.
std::string logs_json(Environment& environment);

}  // namespace cicada::web
