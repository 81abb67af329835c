#include "cicada/stats/request_stats.hpp"

#include <doctest/doctest.h>

#include "cicada/proto/stats_report.hpp"

namespace cicada::stats {

TEST_CASE("error keys equal Locust's SHA-256 keys") {
  // Both keys were observed from real Locust (wire reference, sections 6.6 and 9.1).
  CHECK(locust_error_key("GET", "/", "Exception('boom')") ==
        "e6362a5fa22a8f4b7bfb195b24313c34882d87c94acab15a4f7189d1e0cea8aa");
  CHECK(locust_error_key("GET", "/fail", "Exception('boom')") ==
        "5f54408d941a239f2cab5c2ff0a0d0e8a02a7603ffd9e60dfe9533b4c6c92d90");
}

TEST_CASE("python_repr quotes and escapes like Python") {
  CHECK(python_repr("boom") == "'boom'");
  CHECK(python_repr("it's") == "\"it's\"");
  CHECK(python_repr("both ' and \"") == "'both \\' and \"'");
  CHECK(python_repr("a\\b\nc\td\r") == "'a\\\\b\\nc\\td\\r'");
  CHECK(python_repr(std::string("\x01\x7f", 2)) == "'\\x01\\x7f'");
  CHECK(python_repr("caf\xc3\xa9 \xe2\x9c\x93") == "'caf\xc3\xa9 \xe2\x9c\x93'");
}

TEST_CASE("requests go to their entry and the total, failures to the error table too") {
  ManualClock clock;
  RequestStats stats(clock);
  const std::string refused = "ConnectionRefusedError(111, 'Connection refused')";
  stats.log_request("GET", "/a", 10'000, 5);
  stats.log_request("GET", "/a", 20'000, 5, &refused);
  stats.log_request("POST", "/a", 30'000, 5, &refused);
  CHECK(stats.total().num_requests() == 3);
  CHECK(stats.total().num_failures() == 2);
  CHECK(stats.find("/a", "GET")->num_failures() == 1);
  REQUIRE(stats.errors().size() == 2);
  const auto& row = stats.errors().at(locust_error_key("GET", "/a", refused));
  CHECK(row.occurrences == 1);
  CHECK(row.first_seen == clock.now_seconds());

  SUBCASE("entries sort by name then method") {
    stats.log_request("GET", "/0", 1, 0);
    const auto sorted = stats.sorted_entries();
    REQUIRE(sorted.size() == 3);
    CHECK(sorted[0]->name() == "/0");
    CHECK(sorted[1]->method() == "GET");
    CHECK(sorted[2]->method() == "POST");
    CHECK(stats.entries()[0]->name() == "/a");  // creation order kept too
  }
  SUBCASE("reset zeroes but keeps entries; clear forgets them") {
    stats.reset_all();
    CHECK(stats.total().num_requests() == 0);
    CHECK(stats.entries().size() == 2);
    CHECK(stats.errors().empty());
    stats.clear_all();
    CHECK(stats.entries().empty());
  }
}

TEST_CASE("a worker's reports are deltas, and the master's merge loses nothing") {
  ManualClock clock;
  RequestStats worker(clock, false);
  RequestStats master(clock);
  const std::string boom = "boom";
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 10; ++i) {
      clock.advance(0.1);
      worker.log_request("GET", "/x", static_cast<std::uint64_t>(1000 * (i + 1)), 10,
                         i == 0 ? &boom : nullptr);
    }
    auto report = worker.take_report();
    CHECK(report.stats_total.num_requests == 10);
    CHECK(worker.total().num_requests() == 0);
    master.merge_report(report);
  }
  const auto idle_report = worker.take_report();
  CHECK(idle_report.stats.empty());  // entries without requests are left out
  master.merge_report(idle_report);

  CHECK(master.total().num_requests() == 30);
  CHECK(master.find("/x", "GET")->num_requests() == 30);
  CHECK(master.find("/x", "GET")->num_failures() == 3);
  REQUIRE(master.errors().size() == 1);
  CHECK(master.errors().begin()->second.occurrences == 3);
  CHECK(master.total().response_time_percentile_ms(1.0) == 10);
}

TEST_CASE("open-model iterations are reported as deltas and summed by the master") {
  ManualClock clock;
  RequestStats worker1(clock, false);
  RequestStats worker2(clock, false);
  RequestStats master(clock);
  for (int i = 0; i < 5; ++i) worker1.log_iteration("Checkout", true);
  worker1.log_iteration("Checkout", false);
  for (int i = 0; i < 3; ++i) worker2.log_iteration("Checkout", true);
  master.merge_report(worker1.take_report());
  master.merge_report(worker2.take_report());
  CHECK(worker1.take_report().cicada_iterations.empty());  // sent once
  master.merge_report(worker1.take_report());
  REQUIRE(master.iterations().count("Checkout"));
  CHECK(master.iterations().at("Checkout").started == 8);
  CHECK(master.iterations().at("Checkout").dropped == 1);
  master.reset_all();
  CHECK(master.iterations().at("Checkout").started == 0);
  master.clear_all();
  CHECK(master.iterations().empty());
}

TEST_CASE("current percentiles on the master cover about the last 10 seconds") {
  // Locust's test_master_current_response_times, replayed.
  ManualClock clock(1.0);
  RequestStats master(clock);
  RequestStats worker(clock, false);
  clock.advance(1.0234);
  worker.log_request("GET", "/1", 100'000, 3546);
  worker.log_request("GET", "/1", 800'000, 56743);
  master.merge_report(worker.take_report());
  clock.advance(1);
  worker.log_request("GET", "/2", 400'000, 2201);
  master.merge_report(worker.take_report());
  clock.advance(4);
  CHECK(master.total().current_response_time_percentile_ms(0.5, clock.now_seconds()) == 400);
  CHECK(master.total().current_response_time_percentile_ms(0.95, clock.now_seconds()) == 800);

  clock.advance(10.10023);
  worker.log_request("GET", "/1", 20'000, 1);
  worker.log_request("GET", "/1", 30'000, 1);
  worker.log_request("GET", "/1", 3'000'000, 1);
  master.merge_report(worker.take_report());
  CHECK(master.total().current_response_time_percentile_ms(0.5, clock.now_seconds()) == 30);
  CHECK(master.total().current_response_time_percentile_ms(0.95, clock.now_seconds()) == 3000);
}

}  // namespace cicada::stats
