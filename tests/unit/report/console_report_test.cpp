#include "cicada/report/console_report.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace cicada::report {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream file(std::string(CICADA_FIXTURES_DIR) + "/csv/" + name, std::ios::binary);
  REQUIRE(file.good());
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

}  // namespace

TEST_CASE("console tables match Locust's layout and numbers line for line") {
  // The same recording as the CSV fixtures (tests/fixtures/csv/make_csv_fixtures.py).
  const auto recording = nlohmann::json::parse(fixture("requests.json"));
  const double t0 = recording["t0"].get<double>();
  ManualClock clock(t0);
  stats::RequestStats stats(clock);
  for (const auto& request : recording["requests"]) {
    clock.set(t0 + request["offset"].get<double>());
    std::string error;
    if (!request["error"].is_null()) error = request["error"].get<std::string>();
    stats.log_request(
        request["method"].get<std::string>(), request["name"].get<std::string>(),
        static_cast<std::uint64_t>(std::llround(request["response_time_ms"].get<double>() * 1000)),
        request["length"].get<std::int64_t>(), error.empty() ? nullptr : &error);
  }
  clock.set(recording["history_at"].get<double>());
  const std::string printed = joined(stats_table(stats, false)) + "#\n" +
                              joined(stats_table(stats, true)) + "#\n" +
                              joined(percentile_table(stats)) + "#\n" + joined(error_report(stats));
  CHECK(printed == fixture("console.txt"));
}

TEST_CASE("the JSON summary lists entries with Locust's keys") {
  ManualClock clock(1700000000.0);
  stats::RequestStats stats(clock);
  clock.advance(0.5);
  stats.log_request("GET", "/a", 12'500, 10);
  const auto parsed = nlohmann::json::parse(stats_json(stats));
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0]["name"] == "/a");
  CHECK(parsed[0]["method"] == "GET");
  CHECK(parsed[0]["total_response_time"] == 12.5);
  CHECK(parsed[0]["response_times"]["12"] == 1);
  CHECK(parsed[0]["num_reqs_per_sec"]["1700000000"] == 1);
  CHECK(parsed[0]["min_response_time"] == 12.5);
  CHECK(stats_json(stats::RequestStats(clock)) == "[]");
}

}  // namespace cicada::report
