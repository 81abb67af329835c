#include "cicada/report/csv_report.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace cicada::report {
namespace {

// The recording and the files Locust wrote for it:
// tests/fixtures/csv/make_csv_fixtures.py (Debian's python3-locust).
std::string fixture(const std::string& name) {
  std::ifstream file(std::string(CICADA_FIXTURES_DIR) + "/csv/" + name, std::ios::binary);
  REQUIRE_MESSAGE(file.good(), "missing fixture " << name);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

struct Replay {
  nlohmann::json recording = nlohmann::json::parse(fixture("requests.json"));
  ManualClock clock{recording["t0"].get<double>()};
  stats::RequestStats stats{clock};

  Replay() {
    const double t0 = recording["t0"].get<double>();
    for (const auto& request : recording["requests"]) {
      clock.set(t0 + request["offset"].get<double>());
      const auto us = static_cast<std::uint64_t>(
          std::llround(request["response_time_ms"].get<double>() * 1000));
      std::string error;
      if (!request["error"].is_null()) error = request["error"].get<std::string>();
      stats.log_request(request["method"].get<std::string>(), request["name"].get<std::string>(),
                        us, request["length"].get<std::int64_t>(),
                        error.empty() ? nullptr : &error);
    }
  }
};

}  // namespace

TEST_CASE("the stats CSV is byte-identical to Locust's") {
  Replay replay;
  CHECK(stats_csv(replay.stats) == fixture("stats.csv"));
}

TEST_CASE("the failures CSV is byte-identical to Locust's") {
  Replay replay;
  CHECK(failures_csv(replay.stats) == fixture("failures.csv"));
}

TEST_CASE("the exceptions CSV is byte-identical to Locust's, quoting multi-line tracebacks") {
  Replay replay;
  std::vector<UserException> exceptions;
  for (const auto& row : replay.recording["exceptions"]) {
    exceptions.push_back(UserException{row["count"].get<std::int64_t>(),
                                       row["msg"].get<std::string>(),
                                       row["traceback"].get<std::string>(),
                                       {"local"}});
  }
  CHECK(exceptions_csv(exceptions) == fixture("exceptions.csv"));
}

TEST_CASE("stats history rows are byte-identical to Locust's, with and without full history") {
  Replay replay;
  const double at = replay.recording["history_at"].get<double>();
  replay.clock.set(at);
  const auto users = replay.recording["user_count"].get<std::int64_t>();
  CHECK(stats_history_rows(replay.stats, at, users, false) == fixture("stats_history.csv"));
  CHECK(stats_history_rows(replay.stats, at, users, true) == fixture("stats_history_full.csv"));
  CHECK(stats_history_header().rfind("Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%",
                                     0) == 0);
}

TEST_CASE("an entry without requests shows N/A percentiles") {
  ManualClock clock;
  stats::RequestStats stats(clock);
  stats.entry("/never", "GET");
  const std::string csv = stats_csv(stats);
  CHECK(csv.find(
            "GET,/never,0,0,0,0.0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\r\n") !=
        std::string::npos);
}

}  // namespace cicada::report
