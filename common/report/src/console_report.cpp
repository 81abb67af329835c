#include "cicada/report/console_report.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "cicada/report/csv_report.hpp"
#include "cicada/report/python_format.hpp"
#include "cicada/runner/environment.hpp"

namespace cicada::report {
namespace {

constexpr int kTypeWidth = 8;

std::string format(const char* pattern, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, pattern);
  std::vsnprintf(buffer, sizeof buffer, pattern, args);
  va_end(args);
  return buffer;
}

std::string dashes(int count) {
  return std::string(static_cast<std::size_t>(std::max(count, 0)), '-');
}

// Python's "%d" of a float truncates toward zero.
long long truncated(double value) {
  return static_cast<long long>(std::trunc(value));
}

std::string table_row(const stats::StatsEntry& entry, const stats::StatsEntry& total, bool current,
                      int name_column) {
  const double rps = current ? entry.current_rps(total) : entry.total_rps(total);
  const double fails =
      current ? entry.current_fail_per_sec(total) : entry.total_fail_per_sec(total);
  const std::string type = entry.method().empty() ? "" : entry.method() + " ";
  const std::string failures = format("%lld(%.2f%%)", static_cast<long long>(entry.num_failures()),
                                      entry.fail_ratio() * 100);
  return format("%-*s %-*s %7lld %12s |%7lld %7lld %7lld%7lld | %7.2f %11.2f", kTypeWidth,
                type.c_str(), name_column, entry.name().c_str(),
                static_cast<long long>(entry.num_requests()), failures.c_str(),
                truncated(entry.avg_response_time_ms()), truncated(entry.min_response_time_ms()),
                truncated(entry.max_response_time_ms()), truncated(entry.median_response_time_ms()),
                rps, fails);
}

std::string percentile_row(const stats::StatsEntry& entry, int name_width) {
  std::string line =
      format("%-*s %-*s", kTypeWidth, entry.method().c_str(), name_width, entry.name().c_str());
  const auto& percentiles = percentiles_to_report();
  for (std::size_t i = 0; i < percentiles.size(); ++i) {
    line += format(i == 0 ? " %8lld" : " %6lld",
                   static_cast<long long>(entry.response_time_percentile_ms(percentiles[i])));
  }
  return line + format(" %6lld", static_cast<long long>(entry.num_requests()));
}

void json_buckets(std::string& out, const std::vector<std::pair<std::int64_t, std::int64_t>>& pairs,
                  const std::string& indent) {
  if (pairs.empty()) {
    out += "{}";
    return;
  }
  out += "{\n";
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    out += indent + "    \"" + std::to_string(pairs[i].first) +
           "\": " + std::to_string(pairs[i].second);
    out += i + 1 < pairs.size() ? ",\n" : "\n";
  }
  out += indent + "}";
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char signed_c : text) {
    const auto c = static_cast<unsigned char>(signed_c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += format("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

}  // namespace

int stats_name_width() {
  if (isatty(STDOUT_FILENO) == 0) return 80;
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0) return 80;
  return std::clamp(static_cast<int>(size.ws_col) - 80, 0, 80);
}

std::vector<std::string> stats_table(const stats::RequestStats& stats, bool current,
                                     int name_width) {
  const int name_column = name_width - kTypeWidth + 4;
  std::vector<std::string> lines;
  lines.push_back(format("%-*s %-*s %7s %12s |%7s %7s %7s%7s | %7s %11s", kTypeWidth, "Type",
                         name_column, "Name", "# reqs", "# fails", "Avg", "Min", "Max", "Med",
                         "req/s", "failures/s"));
  const std::string separator = dashes(kTypeWidth) + "|" + dashes(name_column) + "|" + dashes(7) +
                                "|" + dashes(13) + "|" + dashes(7) + "|" + dashes(7) + "|" +
                                dashes(7) + "|" + dashes(7) + "|" + dashes(8) + "|" + dashes(11);
  lines.push_back(separator);
  for (const stats::StatsEntry* entry : stats.sorted_entries()) {
    lines.push_back(table_row(*entry, stats.total(), current, name_column));
  }
  lines.push_back(separator);
  lines.push_back(table_row(stats.total(), stats.total(), current, name_column));
  return lines;
}

std::vector<std::string> percentile_table(const stats::RequestStats& stats, int name_width) {
  std::vector<std::string> lines{"Response time percentiles (approximated)"};
  std::string header = format("%-*s %-*s %8s", kTypeWidth, "Type", name_width, "Name", "50%");
  for (const char* column :
       {"66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%", "# reqs"}) {
    header += format(" %6s", column);
  }
  lines.push_back(header);
  std::string separator = dashes(kTypeWidth) + "|" + dashes(name_width) + "|" + dashes(8);
  for (std::size_t i = 0; i < percentiles_to_report().size(); ++i) separator += "|" + dashes(6);
  lines.push_back(separator);
  for (const stats::StatsEntry* entry : stats.sorted_entries()) {
    if (!entry->response_times().empty()) lines.push_back(percentile_row(*entry, name_width));
  }
  lines.push_back(separator);
  if (!stats.total().response_times().empty())
    lines.push_back(percentile_row(stats.total(), name_width));
  return lines;
}

std::string significant_ms(double ms) {
  if (ms >= 100) return format("%.0f", ms);
  if (ms >= 10) return format("%.1f", ms);
  if (ms >= 1) return format("%.2f", ms);
  return format("%.3f", ms);
}

std::vector<std::string> exact_percentile_table(const stats::RequestStats& stats, int name_width,
                                                bool corrected) {
  // Locust's table rounds to its buckets (2 significant digits above 100 ms);
  // this one reads the precise histogram the workers send along.
  if (corrected && stats.total().paced_requests() == 0) return {};
  const auto shown = [corrected](const stats::StatsEntry& entry) {
    return corrected ? entry.paced_requests() > 0 : entry.num_timed_requests() > 0;
  };
  std::vector<std::string> lines{corrected ? "Response time percentiles corrected for "
                                             "coordinated omission (exact, ms)"
                                           : "Response time percentiles (exact, ms)"};
  std::string header = format("%-*s %-*s", kTypeWidth, "Type", name_width, "Name");
  for (const char* column : {"50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%",
                             "99.99%", "100%", "# reqs"}) {
    header += format(" %7s", column);
  }
  lines.push_back(header);
  std::string separator = dashes(kTypeWidth) + "|" + dashes(name_width);
  for (std::size_t i = 0; i <= percentiles_to_report().size(); ++i) separator += "|" + dashes(7);
  lines.push_back(separator);
  const auto row = [&](const stats::StatsEntry& entry) {
    std::string line =
        format("%-*s %-*s", kTypeWidth, entry.method().c_str(), name_width, entry.name().c_str());
    const auto& percentiles = percentiles_to_report();
    std::vector<std::uint64_t> values;
    if (corrected) {
      values = entry.corrected_percentiles_us(percentiles);
    } else {
      for (double percentile : percentiles)
        values.push_back(entry.precise_percentile_us(percentile));
    }
    for (std::uint64_t us : values) {
      line += format(" %7s", significant_ms(static_cast<double>(us) / 1000.0).c_str());
    }
    return line + format(" %7lld", static_cast<long long>(entry.num_requests()));
  };
  for (const stats::StatsEntry* entry : stats.sorted_entries()) {
    if (shown(*entry)) lines.push_back(row(*entry));
  }
  lines.push_back(separator);
  if (shown(stats.total())) lines.push_back(row(stats.total()));
  return lines;
}

std::vector<std::string> iteration_table(const stats::RequestStats& stats, int name_width) {
  if (stats.iterations().empty()) return {};
  std::vector<std::string> lines{"Arrival-rate iterations",
                                 format("%-*s %12s %12s %9s", name_width + kTypeWidth + 1,
                                        "User class", "# started", "# dropped", "dropped")};
  const std::string separator = dashes(kTypeWidth + 1 + name_width) + "|" + dashes(12) + "|" +
                                dashes(12) + "|" + dashes(9);
  lines.push_back(separator);
  for (const auto& [class_name, count] : stats.iterations()) {
    const std::int64_t due = count.started + count.dropped;
    const double dropped_percent =
        due > 0 ? 100.0 * static_cast<double>(count.dropped) / static_cast<double>(due) : 0;
    lines.push_back(format("%-*s %12lld %12lld %8.2f%%", name_width + kTypeWidth + 1,
                           class_name.c_str(), static_cast<long long>(count.started),
                           static_cast<long long>(count.dropped), dropped_percent));
  }
  lines.push_back(separator);
  return lines;
}

std::vector<std::string> error_report(const stats::RequestStats& stats, int name_width) {
  if (stats.errors().empty()) return {};
  std::vector<std::string> lines{"Error report", format("%-18s %-100s", "# occurrences", "Error")};
  const std::string separator = dashes(18) + "|" + dashes(80 + name_width - 19);
  lines.push_back(separator);
  for (const stats::StatsError* error : stats.errors_in_order()) {
    // Locust unwraps CatchResponseError(...) so the reason shows plainly.
    std::string text = error->error;
    const std::string wrapper = "CatchResponseError(";
    if (text.rfind(wrapper, 0) == 0 && text.size() > wrapper.size()) {
      text = text.substr(wrapper.size(), text.size() - wrapper.size() - 1);
    }
    lines.push_back(format("%-18lld %-100s", static_cast<long long>(error->occurrences),
                           (error->method + " " + error->name + ": " + text).c_str()));
  }
  lines.push_back(separator);
  lines.emplace_back("");
  return lines;
}

namespace {
void print_lines(const std::vector<std::string>& lines) {
  for (const auto& line : lines) std::fprintf(stderr, "%s\n", line.c_str());
}
}  // namespace

void start_stats_printer(Environment& environment) {
  auto print = [&environment] {
    print_lines(stats_table(environment.stats(), true, stats_name_width()));
    std::fprintf(stderr, "\n");
  };
  print();
  environment.runner().every(std::chrono::seconds(2), print);
}

void print_final_summary(const stats::RequestStats& stats) {
  const int width = stats_name_width();
  print_lines(stats_table(stats, false, width));
  std::fprintf(stderr, "\n");
  print_lines(percentile_table(stats, width));
  std::fprintf(stderr, "\n");
  print_lines(exact_percentile_table(stats, width));
  std::fprintf(stderr, "\n");
  if (const auto corrected = exact_percentile_table(stats, width, true); !corrected.empty()) {
    print_lines(corrected);
    std::fprintf(stderr, "\n");
  }
  if (const auto iterations = iteration_table(stats, width); !iterations.empty()) {
    print_lines(iterations);
    std::fprintf(stderr, "\n");
  }
  print_lines(error_report(stats, width));
}

std::string stats_json(const stats::RequestStats& stats) {
  std::vector<const stats::StatsEntry*> entries;
  for (const stats::StatsEntry* entry : stats.entries()) {
    if (entry->num_requests() != 0 || entry->num_failures() != 0) entries.push_back(entry);
  }
  if (entries.empty()) return "[]";
  std::string out = "[\n";
  const std::string indent = "        ";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const stats::StatsEntry& e = *entries[i];
    std::vector<std::pair<std::int64_t, std::int64_t>> requests;
    std::vector<std::pair<std::int64_t, std::int64_t>> failures;
    for (const auto& second : e.per_second()) {
      if (second.requests) requests.emplace_back(second.second, second.requests);
      if (second.failures) failures.emplace_back(second.second, second.failures);
    }
    out += "    {\n";
    out += indent + "\"name\": " + json_string(e.name()) + ",\n";
    out += indent + "\"method\": " + json_string(e.method()) + ",\n";
    out += indent + "\"last_request_timestamp\": " +
           (e.last_request_timestamp() ? python_float(*e.last_request_timestamp()) : "null") +
           ",\n";
    out += indent + "\"start_time\": " + python_float(e.start_time()) + ",\n";
    out += indent + "\"num_requests\": " + std::to_string(e.num_requests()) + ",\n";
    out += indent + "\"num_none_requests\": " + std::to_string(e.num_none_requests()) + ",\n";
    out += indent + "\"num_failures\": " + std::to_string(e.num_failures()) + ",\n";
    out += indent + "\"total_response_time\": " +
           python_float(static_cast<double>(e.total_response_time_us()) / 1000.0) + ",\n";
    out += indent + "\"max_response_time\": " + python_float(e.max_response_time_ms()) + ",\n";
    out += indent + "\"min_response_time\": " +
           (e.min_response_time_us() ? python_float(e.min_response_time_ms()) : "null") + ",\n";
    out += indent + "\"total_content_length\": " + std::to_string(e.total_content_length()) + ",\n";
    out += indent + "\"response_times\": ";
    json_buckets(out, e.response_times().to_pairs(), indent);
    out += ",\n" + indent + "\"num_reqs_per_sec\": ";
    json_buckets(out, requests, indent);
    out += ",\n" + indent + "\"num_fail_per_sec\": ";
    json_buckets(out, failures, indent);
    // cicada's addition (readers of Locust's JSON skip unknown keys): exact
    // percentiles in ms from the precise histogram.
    out += ",\n" + indent + "\"response_time_percentiles\": {";
    const auto& percentiles = percentiles_to_report();
    for (std::size_t p = 0; p < percentiles.size(); ++p) {
      out +=
          (p == 0 ? "\n" : ",\n") + indent + "    \"" + python_float(percentiles[p]) + "\": " +
          (e.num_timed_requests() > 0
               ? python_float(static_cast<double>(e.precise_percentile_us(percentiles[p])) / 1000.0)
               : "null");
    }
    out += "\n" + indent + "}";
    // Paced work: the same, corrected for coordinated omission.
    if (e.paced_requests() > 0) {
      out += ",\n" + indent + "\"response_time_percentiles_corrected\": {";
      const auto corrected = e.corrected_percentiles_us(percentiles);
      for (std::size_t p = 0; p < percentiles.size(); ++p) {
        out += (p == 0 ? "\n" : ",\n") + indent + "    \"" + python_float(percentiles[p]) +
               "\": " + python_float(static_cast<double>(corrected[p]) / 1000.0);
      }
      out += "\n" + indent + "}";
    }
    out += "\n    }";
    out += i + 1 < entries.size() ? ",\n" : "\n";
  }
  return out + "]";
}

}  // namespace cicada::report
