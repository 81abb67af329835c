#include "current_window.hpp"

#include <chrono>

#include "cicada/stats/request_stats.hpp"

namespace cicada::web {
namespace {

constexpr std::size_t kWindowSeconds = 10;  // Locust's CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW
constexpr std::size_t kYoungestUsableSeconds = 2;

}  // namespace

CurrentWindow::CurrentWindow(asio::io_context& loop, const stats::RequestStats& stats)
    : timer_(loop), stats_(stats) {}

void CurrentWindow::start() {
  take_snapshot();
}

void CurrentWindow::stop() {
  stopped_ = true;
  timer_.cancel();
}

void CurrentWindow::take_snapshot() {
  if (stopped_) return;
  snapshots_.push_back(stats_.total().histogram());
  if (snapshots_.size() > kWindowSeconds + 1) snapshots_.pop_front();
  timer_.expires_after(std::chrono::seconds(1));
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (!error) self->take_snapshot();
  });
}

std::optional<double> CurrentWindow::percentile_ms(double quantile) const {
  // As Locust's window: the snapshot 10 s old, or the oldest one at least 2 s old.
  if (snapshots_.size() <= kYoungestUsableSeconds) return std::nullopt;
  stats::LatencyHistogram window = stats_.total().histogram();
  window.subtract(snapshots_.front());
  if (window.empty()) return std::nullopt;
  return static_cast<double>(window.value_at_quantile(quantile)) / 1000.0;
}

}  // namespace cicada::web
