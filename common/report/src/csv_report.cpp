#include "cicada/report/csv_report.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "cicada/report/console_report.hpp"
#include "cicada/report/python_format.hpp"
#include "stats_values.hpp"

namespace cicada::report {
namespace {

constexpr const char* kEndOfLine = "\r\n";

std::string row(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += csv_field(fields[i]);
  }
  return line + kEndOfLine;
}

std::vector<std::string> percentile_headers() {
  return {"50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%"};
}

void append_percentiles(std::vector<std::string>& fields, const stats::StatsEntry& entry,
                        bool current, double now_seconds) {
  for (double p : percentiles_to_report()) {
    if (entry.num_requests() == 0) {
      fields.emplace_back("N/A");
    } else if (current) {
      fields.push_back(
          std::to_string(entry.current_response_time_percentile_ms(p, now_seconds).value_or(0)));
    } else {
      fields.push_back(std::to_string(entry.response_time_percentile_ms(p)));
    }
  }
}

std::string utc_timestamp(std::optional<double> seconds) {
  if (!seconds) return "";
  const auto whole = static_cast<std::time_t>(std::floor(*seconds));
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

const std::vector<double>& percentiles_to_report() {
  static const std::vector<double> percentiles{0.50, 0.66, 0.75,  0.80,   0.90, 0.95,
                                               0.98, 0.99, 0.999, 0.9999, 1.0};
  return percentiles;
}

std::string stats_csv(const stats::RequestStats& stats) {
  std::vector<std::string> header{"Type",
                                  "Name",
                                  "Request Count",
                                  "Failure Count",
                                  "Median Response Time",
                                  "Average Response Time",
                                  "Min Response Time",
                                  "Max Response Time",
                                  "Average Content Size",
                                  "Requests/s",
                                  "Failures/s"};
  for (auto& p : percentile_headers()) header.push_back(p);
  // Paced work adds its percentiles corrected for coordinated omission (exact, ms)
  // after Locust's columns, so readers of Locust's files still find theirs.
  const bool paced = stats.total().paced_requests() > 0;
  if (paced) {
    for (auto& p : percentile_headers()) header.push_back("Corrected " + p);
  }
  std::string out = row(header);

  auto entries = stats.sorted_entries();
  entries.push_back(&stats.total());
  for (const stats::StatsEntry* entry : entries) {
    std::vector<std::string> fields{entry->method(),
                                    entry->name(),
                                    std::to_string(entry->num_requests()),
                                    std::to_string(entry->num_failures()),
                                    median_text(*entry),
                                    python_float(entry->avg_response_time_ms()),
                                    min_text(*entry),
                                    max_text(*entry),
                                    avg_content_length_text(*entry),
                                    python_float(entry->total_rps(stats.total())),
                                    python_float(entry->total_fail_per_sec(stats.total()))};
    append_percentiles(fields, *entry, false, 0);
    if (paced && entry->paced_requests() == 0) {
      fields.insert(fields.end(), percentiles_to_report().size(), "N/A");
    } else if (paced) {
      for (std::uint64_t us : entry->corrected_percentiles_us(percentiles_to_report()))
        fields.push_back(significant_ms(static_cast<double>(us) / 1000.0));
    }
    out += row(fields);
  }
  return out;
}

std::string failures_csv(const stats::RequestStats& stats) {
  std::string out = row({"Method", "Name", "Error", "Occurrences", "First Seen", "Last Seen"});
  std::vector<std::pair<std::string, const stats::StatsError*>> sorted;
  for (const auto& [key, error] : stats.errors()) sorted.emplace_back(key, &error);
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [key, error] : sorted) {
    out += row({error->method, error->name, error->error, std::to_string(error->occurrences),
                utc_timestamp(error->first_seen), utc_timestamp(error->last_seen)});
  }
  return out;
}

std::string exceptions_csv(const std::vector<UserException>& exceptions) {
  std::string out = row({"Count", "Message", "Traceback", "Nodes"});
  for (const auto& exception : exceptions) {
    std::string nodes;
    for (const auto& node : exception.nodes) nodes += (nodes.empty() ? "" : ", ") + node;
    out += row({std::to_string(exception.count), exception.message, exception.traceback, nodes});
  }
  return out;
}

std::string stats_history_header() {
  std::vector<std::string> header{"Timestamp", "User Count", "Type",
                                  "Name",      "Requests/s", "Failures/s"};
  for (auto& p : percentile_headers()) header.push_back(p);
  for (const char* column :
       {"Total Request Count", "Total Failure Count", "Total Median Response Time",
        "Total Average Response Time", "Total Min Response Time", "Total Max Response Time",
        "Total Average Content Size"}) {
    header.emplace_back(column);
  }
  return row(header);
}

std::string stats_history_rows(const stats::RequestStats& stats, double now_seconds,
                               std::int64_t user_count, bool full_history) {
  std::vector<const stats::StatsEntry*> entries;
  if (full_history) entries = stats.sorted_entries();
  entries.push_back(&stats.total());
  std::string out;
  const auto timestamp = static_cast<std::int64_t>(std::floor(now_seconds));
  for (const stats::StatsEntry* entry : entries) {
    std::vector<std::string> fields{std::to_string(timestamp),
                                    std::to_string(user_count),
                                    entry->method(),
                                    entry->name(),
                                    fixed(entry->current_rps(stats.total()), 6),
                                    fixed(entry->current_fail_per_sec(stats.total()), 6)};
    append_percentiles(fields, *entry, full_history, now_seconds);
    fields.push_back(std::to_string(entry->num_requests()));
    fields.push_back(std::to_string(entry->num_failures()));
    fields.push_back(median_text(*entry));
    fields.push_back(python_float(entry->avg_response_time_ms()));
    fields.push_back(min_text(*entry));
    fields.push_back(max_text(*entry));
    fields.push_back(avg_content_length_text(*entry));
    out += row(fields);
  }
  return out;
}

}  // namespace cicada::report
