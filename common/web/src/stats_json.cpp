#include "stats_json.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "cicada/runner/environment.hpp"
#include "cicada/runner/runner.hpp"
#include "cicada/web/log_history.hpp"
#include "current_window.hpp"

namespace cicada::web {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxRows = 500;  // Locust's cap on entries and errors

// Locust rounds min and max half up to whole milliseconds in to_dict().
std::int64_t round_half_up(double ms) {
  return static_cast<std::int64_t>(std::floor(ms + 0.5));
}

std::string html_escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#x27;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

json entry_json(const stats::StatsEntry& entry, const stats::StatsEntry& total) {
  const bool timed = entry.num_timed_requests() > 0;
  json exact = json::object();
  for (const double q : {0.5, 0.95, 0.99}) {
    exact[q == 0.5    ? "0.5"
          : q == 0.95 ? "0.95"
                      : "0.99"] =
        timed ? json(static_cast<double>(entry.precise_percentile_us(q)) / 1000.0) : json(nullptr);
  }
  return {
      {"method", entry.method()},
      {"name", entry.name()},
      {"safe_name", html_escaped(entry.name())},  // 2.12.1
      {"num_requests", entry.num_requests()},
      {"num_failures", entry.num_failures()},
      {"min_response_time", timed ? round_half_up(entry.min_response_time_ms()) : 0},
      {"max_response_time", round_half_up(entry.max_response_time_ms())},
      {"current_rps", entry.current_rps(total)},
      {"current_fail_per_sec", entry.current_fail_per_sec(total)},
      {"avg_response_time", entry.avg_response_time_ms()},
      {"median_response_time", entry.median_response_time_ms()},
      {"total_rps", entry.total_rps(total)},
      {"total_fail_per_sec", entry.total_fail_per_sec(total)},
      {"response_time_percentile_0.95", entry.response_time_percentile_ms(0.95)},
      {"response_time_percentile_0.99", entry.response_time_percentile_ms(0.99)},
      {"ninetieth_response_time", entry.response_time_percentile_ms(0.90)},     // 2.12.1
      {"ninety_ninth_response_time", entry.response_time_percentile_ms(0.99)},  // 2.12.1
      {"avg_content_length", entry.avg_content_length()},
      // cicada's own: percentiles from the precise histogram, in fractional ms.
      {"exact_response_time_percentiles", exact},
  };
}

std::string utc_iso(double unix_seconds) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

json history_json(const stats::RequestStats& stats, std::optional<double> closing_time,
                  std::int64_t closing_users) {
  json samples = json::array();
  auto add = [&](double time, std::int64_t user_count, double rps, double fails,
                 std::optional<std::int64_t> p50, std::optional<std::int64_t> p95, double average) {
    const std::string when = utc_iso(time);
    auto point = [&](json value) { return json::array({when, std::move(value)}); };
    samples.push_back({{"time", when},
                       {"user_count", point(user_count)},
                       {"current_rps", point(rps)},
                       {"current_fail_per_sec", point(fails)},
                       {"response_time_percentile_0.5", point(p50 ? json(*p50) : json(nullptr))},
                       {"response_time_percentile_0.95", point(p95 ? json(*p95) : json(nullptr))},
                       {"total_avg_response_time", point(average)}});
  };
  for (const stats::HistorySample& sample : stats.history()) {
    add(sample.timestamp, sample.user_count, sample.current_rps, sample.current_fail_per_sec,
        sample.response_time_percentile_50_ms, sample.response_time_percentile_95_ms,
        sample.total_avg_response_time_ms);
  }
  if (!closing_time) return samples;
  const stats::StatsEntry& total = stats.total();
  add(*closing_time, closing_users, total.current_rps(total), total.current_fail_per_sec(total),
      total.current_response_time_percentile_ms(0.5, stats.now()),
      total.current_response_time_percentile_ms(0.95, stats.now()), total.avg_response_time_ms());
  return samples;
}

std::string dumped_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

json optional_ms(std::optional<std::int64_t> value) {
  return value ? json(*value) : json(nullptr);
}

json optional_seconds(std::optional<double> value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

std::string stats_requests_json(Environment& environment, const CurrentWindow* window) {
  const stats::RequestStats& stats = environment.stats();
  const stats::StatsEntry& total = stats.total();
  json entries = json::array();
  for (const stats::StatsEntry* entry : stats.sorted_entries()) {
    if (entries.size() == kMaxRows) break;
    entries.push_back(entry_json(*entry, total));
  }
  entries.push_back(entry_json(total, total));

  json errors = json::array();
  for (const stats::StatsError* error : stats.errors_in_order()) {
    if (errors.size() == kMaxRows) break;
    errors.push_back({{"method", error->method},
                      {"name", error->name},
                      {"error", error->error},
                      {"occurrences", error->occurrences},
                      {"first_seen", optional_seconds(error->first_seen)},
                      {"last_seen", optional_seconds(error->last_seen)}});
  }

  const double now = stats.now();
  const auto p50 = total.current_response_time_percentile_ms(0.5, now);
  const auto p95 = total.current_response_time_percentile_ms(0.95, now);
  json body = {
      {"stats", entries},
      {"errors", errors},
      {"current_rps", total.current_rps(total)},
      {"current_fail_per_sec", total.current_fail_per_sec(total)},
      {"total_rps", total.total_rps(total)},
      {"total_fail_per_sec", total.total_fail_per_sec(total)},
      {"total_avg_response_time", total.avg_response_time_ms()},
      {"fail_ratio", total.fail_ratio()},
      {"current_response_time_percentiles",
       {{"response_time_percentile_0.5", optional_ms(p50)},
        {"response_time_percentile_0.95", optional_ms(p95)}}},
      {"current_response_time_percentile_50", optional_ms(p50)},  // 2.12.1
      {"current_response_time_percentile_95", optional_ms(p95)},  // 2.12.1
      {"state", "missing"},
      {"user_count", 0},
  };
  if (window) {
    // cicada's own: the same window from the precise histogram, in fractional ms.
    const auto exact = [&](double q) {
      const auto value = window->percentile_ms(q);
      return value ? json(*value) : json(nullptr);
    };
    body["exact_current_response_time_percentiles"] = {
        {"response_time_percentile_0.5", exact(0.5)},
        {"response_time_percentile_0.95", exact(0.95)}};
  }
  if (!environment.has_runner()) return dumped_json(body);
  Runner& runner = environment.runner();
  body["state"] = std::string(to_string(runner.state()));
  body["user_count"] = runner.user_count();
  if (runner.distributed()) {
    json workers = json::array();
    for (const WorkerSummary& worker : runner.worker_summaries()) {
      workers.push_back({{"id", worker.id},
                         {"state", worker.state},
                         {"user_count", worker.user_count},
                         {"cpu_usage", worker.cpu_percent},
                         {"memory_usage", worker.memory_bytes}});
    }
    body["workers"] = workers;
    body["worker_count"] = runner.worker_count();
  }
  return dumped_json(body);
}

std::string exceptions_json(Environment& environment) {
  json rows = json::array();
  if (environment.has_runner()) {
    for (const UserException& exception : environment.runner().exceptions()) {
      std::string nodes;
      for (const std::string& node : exception.nodes) nodes += (nodes.empty() ? "" : ", ") + node;
      rows.push_back({{"count", exception.count},
                      {"msg", exception.message},
                      {"traceback", exception.traceback},
                      {"nodes", nodes}});
    }
  }
  return dumped_json(json{{"exceptions", rows}});
}

std::string logs_json(Environment& environment) {
  json workers = json::object();
  if (environment.has_runner()) {
    for (const auto& [id, lines] : environment.runner().worker_logs()) workers[id] = lines;
  }
  return dumped_json(json{{"master", recent_log_lines().lines}, {"workers", workers}});
}

}  // namespace cicada::web
