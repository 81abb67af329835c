#pragma once

#include <string>

#include "cicada/proto/stats_report.hpp"

namespace cicada::test {

// A report with every field cicada and Locust send, and `entries` endpoints.
inline proto::StatsReport rich_stats_report(int entries) {
  proto::StatsReport report;
  for (int i = 0; i < entries; ++i) {
    proto::StatsEntryReport& entry = report.stats.emplace_back();
    entry.name = "/endpoint/with/a/long/name/" + std::to_string(i);
    entry.method = "GET";
    entry.last_request_timestamp = 1700000000.25 + i;
    entry.start_time = 1700000000;
    entry.num_requests = 100 + i;
    entry.num_failures = i;
    entry.total_response_time = 1234.5;
    entry.max_response_time = std::int64_t{40};
    entry.min_response_time = std::int64_t{3};
    entry.total_content_length = 100000;
    entry.response_times = {{3, 10}, {12, 80}, {40, 10 + i}};
    entry.num_reqs_per_sec = {{1700000001, 50}, {1700000002, 50 + i}};
    entry.num_fail_per_sec = {{1700000002, i}};
    entry.cicada_histogram = std::string("\x01\x02\x00\xff", 4);
    entry.cicada_paced_requests = 7;
    entry.cicada_omitted_histogram = std::string("\x05", 1);
  }
  report.stats_total.name = "Aggregated";
  report.stats_total.start_time = 1700000000;
  report.errors.push_back({"k1", "/a", "GET", "ConnectionError()", 3, 1700000000.5, std::nullopt});
  report.user_classes_count = {{"Reader", 10}, {"Writer", 2}};
  report.user_count = 12;
  report.cicada_iterations = {{"Checkout", 120, 3}};
  report.extra = {{proto::Value("my_listener_data"), proto::make_map({{"x", proto::Value(1)}})},
                  {proto::Value(7), proto::Value("a non-str key")}};
  return report;
}

}  // namespace cicada::test
