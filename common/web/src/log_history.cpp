#include "cicada/web/log_history.hpp"

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace cicada::web {
namespace {

constexpr std::size_t kKeptLines = 500;

std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> history_sink() {
  static const auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(kKeptLines);
  return sink;
}

}  // namespace

void keep_log_history(spdlog::logger& logger) {
  const auto sink = history_sink();
  auto& sinks = logger.sinks();
  if (std::find(sinks.begin(), sinks.end(), sink) == sinks.end()) sinks.push_back(sink);
}

std::vector<std::string> recent_log_lines() {
  std::vector<std::string> lines = history_sink()->last_formatted();
  for (std::string& line : lines) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  }
  return lines;
}

}  // namespace cicada::web
