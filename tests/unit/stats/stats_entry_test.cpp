#include "cicada/stats/stats_entry.hpp"

#include <doctest/doctest.h>

#include "cicada/proto/stats_report.hpp"

namespace cicada::stats {
namespace {
constexpr double kT0 = 1'700'000'000.0;
}

TEST_CASE("a request is counted with its time, size and second") {
  StatsEntry entry("/a", "GET", kT0, false);
  entry.log(12'345, 100, kT0 + 1.5);
  entry.log(std::nullopt, 7, kT0 + 1.7);  // not timed
  entry.log_error(kT0 + 1.7);
  CHECK(entry.num_requests() == 2);
  CHECK(entry.num_none_requests() == 1);
  CHECK(entry.num_failures() == 1);
  CHECK(entry.total_content_length() == 107);
  CHECK(entry.avg_response_time_ms() == doctest::Approx(12.345));
  CHECK(entry.min_response_time_ms() == doctest::Approx(12.345));
  CHECK(entry.max_response_time_ms() == doctest::Approx(12.345));
  CHECK(entry.last_request_timestamp() == kT0 + 1.7);
  REQUIRE(entry.per_second().size() == 1);
  CHECK(entry.per_second()[0].second == static_cast<std::int64_t>(kT0) + 1);
  CHECK(entry.per_second()[0].requests == 2);
  CHECK(entry.per_second()[0].failures == 1);
  CHECK(entry.fail_ratio() == 0.5);
  CHECK(entry.avg_content_length() == 53.5);
}

TEST_CASE("the median is clamped to the exact min and max, as Locust does") {
  StatsEntry entry("/slow", "GET", kT0, false);
  entry.log(147'300, 0, kT0);
  CHECK(entry.response_time_percentile_ms(0.5) == 150);
  CHECK(entry.median_response_time_ms() == doctest::Approx(147.3));
}

TEST_CASE("current rps averages the seconds from last-12 to last-3 of the total") {
  StatsEntry total("Aggregated", "", kT0, false);
  StatsEntry entry("/a", "GET", kT0, false);
  // 20 seconds, i requests in second i.
  for (int second = 0; second < 20; ++second) {
    for (int i = 0; i < second; ++i) {
      total.log(1000, 0, kT0 + second + 0.5);
      entry.log(1000, 0, kT0 + second + 0.5);
    }
  }
  // last = t0+19; window = seconds 7..16 -> (7+...+16)/10 = 11.5
  CHECK(entry.current_rps(total) == doctest::Approx(11.5));
  CHECK(entry.current_fail_per_sec(total) == 0.0);
  CHECK(entry.total_rps(total) == doctest::Approx(190.0 / 19.5));

  SUBCASE("early in a test the window starts at the start time") {
    StatsEntry young_total("Aggregated", "", kT0, false);
    for (int i = 0; i < 8; ++i) young_total.log(1000, 0, kT0 + 5.2);
    // last = t0+5 -> seconds max(t0-7, t0)=t0 .. t0+2 -> 0 requests over 3 seconds
    CHECK(young_total.current_rps(young_total) == 0.0);
  }
  SUBCASE("no request yet means no rate") {
    StatsEntry idle("Aggregated", "", kT0, false);
    CHECK(idle.current_rps(idle) == 0.0);
    CHECK(idle.total_rps(idle) == 0.0);
  }
}

TEST_CASE("extending one entry with another equals logging everything in one") {
  StatsEntry together("/a", "GET", kT0, false);
  StatsEntry first("/a", "GET", kT0, false);
  StatsEntry second("/a", "GET", kT0 + 1, false);
  for (int i = 0; i < 50; ++i) {
    const auto us = static_cast<std::uint64_t>(1000 + i * 7919 % 300'000);
    const double when = kT0 + i * 0.1;
    together.log(us, i, when);
    (i % 3 == 0 ? first : second).log(us, i, when);
  }
  first.extend(second);
  CHECK(first.num_requests() == together.num_requests());
  CHECK(first.total_response_time_us() == together.total_response_time_us());
  CHECK(first.min_response_time_us() == together.min_response_time_us());
  CHECK(first.max_response_time_us() == together.max_response_time_us());
  CHECK(first.total_content_length() == together.total_content_length());
  CHECK(first.response_times() == together.response_times());
  CHECK(first.histogram() == together.histogram());
  CHECK(first.last_request_timestamp() == together.last_request_timestamp());
  CHECK(first.per_second().size() == together.per_second().size());
}

TEST_CASE("a report carries Locust's fields in ms and cicada's precise histogram") {
  StatsEntry worker("/a", "GET", kT0, false);
  worker.log(150'000, 10, kT0 + 1);
  worker.log(50'000, 10, kT0 + 1.5);
  worker.log_error(kT0 + 1.5);
  const proto::StatsEntryReport report = worker.to_report();
  CHECK(report.num_requests == 2);
  CHECK(proto::to_double(report.total_response_time) == 200.0);
  CHECK(proto::to_double(*report.min_response_time) == 50.0);
  CHECK(report.response_times == std::vector<proto::Bucket>{{50, 1}, {150, 1}});
  CHECK(report.num_fail_per_sec == std::vector<proto::Bucket>{{1'700'000'001, 1}});
  REQUIRE(report.cicada_histogram.has_value());

  StatsEntry master("/a", "GET", kT0, false);
  master.extend(report);
  CHECK(master.num_requests() == 2);
  CHECK(master.num_failures() == 1);
  CHECK(master.histogram() == worker.histogram());
  CHECK(master.precise_percentile_us(1.0) == 150'000);
}

TEST_CASE("paced work records what a stall held back, and it travels in the report") {
  StatsEntry worker("/a", "GET", kT0, false);
  for (int i = 0; i < 98; ++i) {
    worker.log(1'000, 10, kT0 + 1);
    worker.log_paced(1'000, 10'000);  // on time: nothing held back
  }
  worker.log(95'000, 10, kT0 + 1);
  worker.log_paced(95'000, 10'000);  // 95 ms on a 10 ms schedule: 9 requests held back
  CHECK(worker.paced_requests() == 99);
  CHECK(worker.omitted().total_count() == 9);
  CHECK(worker.precise_percentile_us(0.9) == 1'000);
  // 108 samples, 9 held back (85, 75, ... 5 ms): the 90th percentile lands among them.
  CHECK(worker.corrected_percentile_us(0.95) > 40'000);
  CHECK(worker.corrected_percentile_us(1.0) == 95'000);

  StatsEntry master("/a", "GET", kT0, false);
  master.extend(worker.to_report());
  CHECK(master.paced_requests() == 99);
  CHECK(master.omitted() == worker.omitted());
  CHECK(master.corrected_percentile_us(0.95) == worker.corrected_percentile_us(0.95));
  master.reset(kT0 + 2);
  CHECK(master.paced_requests() == 0);
  CHECK(master.corrected_percentile_us(0.5) == 0);
}

TEST_CASE("a Locust worker's report without a histogram still gives percentiles") {
  proto::StatsEntryReport report;
  report.name = "/a";
  report.method = "GET";
  report.start_time = kT0;
  report.last_request_timestamp = kT0 + 2;
  report.num_requests = 3;
  report.total_response_time = 1234.5678;
  report.max_response_time = 999.6;
  report.min_response_time = proto::Number{0.4};
  report.response_times = {{0, 1}, {150, 1}, {1000, 1}};
  StatsEntry master("/a", "GET", kT0, false);
  master.extend(report);
  CHECK(master.total_response_time_us() == 1'234'568);
  CHECK(master.response_time_percentile_ms(0.5) == 150);
  CHECK(master.precise_percentile_us(0.5) >= 149'000);
  CHECK(master.precise_percentile_us(0.5) <= 151'000);
  CHECK(master.max_response_time_ms() == doctest::Approx(999.6));
}

}  // namespace cicada::stats
