#include "cicada/web/log_history.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <mutex>

namespace cicada::web {
namespace {

constexpr std::size_t kKeptLines = 500;  // Locust keeps 500

// Keeps the last lines, formatted, and counts every line ever logged (a
// worker forwards its buffer only when it grew).
class HistorySink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  LogLines snapshot() {
    std::lock_guard lock(mutex_);
    return {std::vector<std::string>(lines_.begin(), lines_.end()), logged_};
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    std::string line(formatted.data(), formatted.size());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    lines_.push_back(std::move(line));
    if (lines_.size() > kKeptLines) lines_.pop_front();
    ++logged_;
  }
  void flush_() override {}

 private:
  std::deque<std::string> lines_;
  std::uint64_t logged_ = 0;
};

std::shared_ptr<HistorySink> history_sink() {
  static const auto sink = std::make_shared<HistorySink>();
  return sink;
}

}  // namespace

void keep_log_history(spdlog::logger& logger) {
  const std::shared_ptr<spdlog::sinks::sink> sink = history_sink();
  auto& sinks = logger.sinks();
  if (std::find(sinks.begin(), sinks.end(), sink) == sinks.end()) sinks.push_back(sink);
}

LogLines recent_log_lines() {
  return history_sink()->snapshot();
}

}  // namespace cicada::web
