#pragma once

#include <string>

namespace cicada {
class Environment;
}

namespace cicada::web {

/// /metrics in Prometheus's text format (0.0.4): per-endpoint request and
/// failure counters, a response-time histogram per endpoint from the precise
/// histogram, current RPS, users, workers by state and the runner's state.
/// Built on the load loop's thread.
std::string prometheus_metrics(Environment& environment);

}  // namespace cicada::web
