#include "cicada/web/html_report.hpp"

#include <cmath>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "cicada/runner/environment.hpp"
#include "cicada/runner/runner.hpp"
#include "page.hpp"
#include "stats_json.hpp"
#include "task_ratio.hpp"

namespace cicada::web {
namespace {

using nlohmann::json;

// Locust's PERCENTILES_FOR_HTML_REPORT.
constexpr double kReportQuantiles[] = {0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0};
constexpr const char* kReportQuantileKeys[] = {"0.5", "0.6",  "0.7",  "0.8",
                                               "0.9", "0.95", "0.99", "1.0"};

// Locust's duration text: "1 hour, 2 minutes and 5 seconds", "0 seconds".
std::string duration_text(std::int64_t total_seconds) {
  const std::int64_t parts[] = {total_seconds / 3600, total_seconds % 3600 / 60,
                                total_seconds % 60};
  const char* units[] = {"hour", "minute", "second"};
  std::vector<std::string> said;
  for (int i = 0; i < 3; ++i) {
    if (parts[i] == 0) continue;
    said.push_back(std::to_string(parts[i]) + " " + units[i] + (parts[i] == 1 ? "" : "s"));
  }
  if (said.empty()) return "0 seconds";
  std::string text = said.front();
  for (std::size_t i = 1; i < said.size(); ++i)
    text += (i + 1 == said.size() ? " and " : ", ") + said[i];
  return text;
}

json percentiles_json(const stats::StatsEntry& entry) {
  json row = {{"method", entry.method()}, {"name", entry.name()}};
  const bool timed = entry.num_timed_requests() > 0;
  for (std::size_t i = 0; i < std::size(kReportQuantiles); ++i) {
    row[kReportQuantileKeys[i]] =
        timed ? json(static_cast<double>(entry.precise_percentile_us(kReportQuantiles[i])) / 1000.0)
              : json(nullptr);
  }
  return row;
}

/// Each threshold's result: {threshold, name, observed, passed}.
json thresholds_json(Environment& environment) {
  json rows = json::array();
  for (const auto& result :
       stats::check_thresholds(environment.options().thresholds, environment.stats())) {
    rows.push_back({{"threshold", result.threshold->text},
                    {"name", result.row},
                    {"observed", result.observed_text()},
                    {"passed", result.passed}});
  }
  return rows;
}

std::string report_host(Environment& environment) {
  if (const auto& host = environment.options().host; host && !host->empty()) return *host;
  std::optional<std::string> common;
  for (const auto& user_class : environment.user_classes()) {
    if (!user_class.host()) return "None";
    if (common && *common != *user_class.host()) return "None";
    common = user_class.host();
  }
  return common.value_or("None");
}

void replace_once(std::string& page, std::string_view placeholder, std::string_view with) {
  const auto at = page.find(placeholder);
  if (at == std::string::npos)
    throw std::logic_error("report.html has no " + std::string(placeholder));
  page.replace(at, placeholder.size(), with);
}

std::string asset_text(std::string_view name) {
  const auto asset = find_asset(name);
  if (!asset) throw std::logic_error("the build embedded no " + std::string(name));
  return std::string(asset->bytes);
}

}  // namespace

std::string html_report(Environment& environment, const HtmlReportOptions& options) {
  const stats::RequestStats& stats = environment.stats();
  const stats::StatsEntry& total = stats.total();
  const double start = total.start_time();
  const double end = std::max(start, total.last_request_timestamp().value_or(start));
  const bool has_runner = environment.has_runner();

  json requests = json::array();
  json percentiles = json::array();
  for (const stats::StatsEntry* entry : stats.sorted_entries()) {
    requests.push_back(entry_json(*entry, total));
    percentiles.push_back(percentiles_json(*entry));
  }
  requests.push_back(entry_json(total, total));
  percentiles.push_back(percentiles_json(total));

  json failures = json::array();
  for (const stats::StatsError* error : stats.errors_in_order()) {
    failures.push_back(
        {{"method", error->method},
         {"name", error->name},
         {"error", error->error},
         {"occurrences", error->occurrences},
         {"first_seen", error->first_seen ? json(*error->first_seen) : json(nullptr)},
         {"last_seen", error->last_seen ? json(*error->last_seen) : json(nullptr)}});
  }
  const json exceptions = json::parse(exceptions_json(environment))["exceptions"];
  const auto running = has_runner ? environment.runner().user_classes_count()
                                  : std::map<std::string, std::int64_t>{};
  const json arguments = {
      {"is_report", true},
      {"requests_statistics", requests},
      {"failures_statistics", failures},
      {"exceptions_statistics", exceptions},
      {"response_time_statistics", percentiles},
      {"start_time", utc_iso(start)},
      {"end_time", utc_iso(end)},
      {"duration", duration_text(static_cast<std::int64_t>(std::llround(end - start)))},
      {"host", report_host(environment)},
      // Locust adds a last sample at the end time when it renders a report.
      {"history", history_json(stats, end, has_runner ? environment.runner().user_count() : 0)},
      {"show_download_link", options.show_download_link},
      {"thresholds", thresholds_json(environment)},
      {"locustfile", std::filesystem::path(options.locustfile).filename().string()},
      {"tasks", json::parse(task_ratio_json(environment.user_classes(),
                                            ratio_basis(environment.user_classes(), running)))},
      {"percentiles_to_chart", json::array({0.5, 0.95})},
  };

  // From the last placeholder up, so text put in (names, errors) is never searched.
  std::string page = asset_text("report.html");
  replace_once(page, "/*__REPORT_JS__*/", asset_text("report.js"));
  replace_once(page, "/*__UPLOT_JS__*/", asset_text("uPlot.iife.min.js"));
  replace_once(page, "__TEMPLATE_ARGS__", script_safe(dumped_json(arguments)));
  replace_once(page, "/*__APP_CSS__*/", asset_text("app.css"));
  replace_once(page, "/*__UPLOT_CSS__*/", asset_text("uPlot.min.css"));
  replace_once(page, "__THEME__",
               options.theme == "dark" || options.theme == "light" ? options.theme : "");
  return page;
}

}  // namespace cicada::web
