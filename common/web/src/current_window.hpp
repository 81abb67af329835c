#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>

#include "cicada/core/asio.hpp"
#include "cicada/stats/latency_histogram.hpp"

namespace cicada::stats {
class RequestStats;
}

namespace cicada::web {

/// Exact percentiles over the last ~10 s for the UI's response-time chart:
/// a copy of the total's precise histogram every second, on the load loop, so
/// "now minus ten seconds ago" is the window (Locust's current percentiles do
/// the same with rounded buckets). Lives on the loop; stop() it there.
class CurrentWindow : public std::enable_shared_from_this<CurrentWindow> {
 public:
  CurrentWindow(asio::io_context& loop, const stats::RequestStats& stats);
  void start();
  void stop();

  /// The window's percentile in ms; empty until a snapshot is 2 s old (the
  /// window then grows to 10 s) or when nothing was timed in the window.
  std::optional<double> percentile_ms(double quantile) const;

 private:
  void take_snapshot();

  asio::steady_timer timer_;
  const stats::RequestStats& stats_;
  std::deque<stats::LatencyHistogram> snapshots_;  // oldest first, one per second
  bool stopped_ = false;
};

}  // namespace cicada::web
