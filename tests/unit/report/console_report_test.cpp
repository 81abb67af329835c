#include "cicada/report/console_report.hpp"

#include <doctest/doctest.h>

#include <random>

#include "cicada/proto/envelope.hpp"
#include "cicada/proto/messages.hpp"

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
  // cicada's extra key: exact percentiles in ms.
  CHECK(parsed[0]["response_time_percentiles"]["0.95"] == 12.5);
  CHECK(stats_json(stats::RequestStats(clock)) == "[]");
}

TEST_CASE("a merged distributed run shows the same exact percentiles as one process") {
  // The same requests recorded once in one process, and spread over two workers
  // whose reports (sent every few hundred requests, as every 3 s) a master merges.
  ManualClock clock(1700000000.0);
  stats::RequestStats single(clock);
  stats::RequestStats workers[2] = {stats::RequestStats(clock), stats::RequestStats(clock)};
  stats::RequestStats master(clock);
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> latency_ms(3.0, 1.2);  // a long tail, 0.1 ms to seconds
  // Each report crosses the wire as a worker sends it: msgpack bytes, decoded by the master.
  const auto send = [&](stats::RequestStats& worker) {
    const std::string bytes =
        proto::encode_envelope(proto::to_envelope(proto::Stats{worker.take_report()}, "w"));
    auto envelope = proto::decode_envelope(bytes);
    REQUIRE(envelope.has_value());
    auto message = proto::decode_worker_message(*envelope);
    REQUIRE(message.has_value());
    master.merge_report(std::get<proto::Stats>(*message).report);
  };
  for (int i = 0; i < 20'000; ++i) {
    const auto us = static_cast<std::uint64_t>(latency_ms(random) * 1000) + 1;
    const char* name = i % 3 == 0 ? "/item" : "/list";
    single.log_request("GET", name, us, 100);
    workers[i % 2].log_request("GET", name, us, 100);
    if (i % 700 == 699) send(workers[i % 2]);
    clock.advance(0.001);
  }
  for (auto& worker : workers) send(worker);

  CHECK(master.total().num_requests() == single.total().num_requests());
  for (const char* name : {"/item", "/list"}) {
    for (double p : {0.5, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0}) {
      CHECK(master.find(name, "GET")->precise_percentile_us(p) ==
            single.find(name, "GET")->precise_percentile_us(p));
    }
  }
  CHECK(master.total().precise_percentile_us(0.99) == single.total().precise_percentile_us(0.99));
  CHECK(joined(exact_percentile_table(master)) == joined(exact_percentile_table(single)));
}

TEST_CASE("paced work adds a table of percentiles corrected for coordinated omission") {
  ManualClock clock(1700000000.0);
  stats::RequestStats stats(clock);
  stats.log_request("GET", "/closed", 2'000, 10);
  CHECK(exact_percentile_table(stats, 80, true).empty());
  for (int i = 0; i < 9; ++i) stats.log_request("GET", "/paced", 1'000, 10, nullptr, 10'000);
  stats.log_request("GET", "/paced", 1'000'000, 10, nullptr, 10'000);  // 99 held back
  const auto table = exact_percentile_table(stats, 20, true);
  REQUIRE(table.size() == 6);  // title, header, separator, /paced, separator, Aggregated
  CHECK(table[0] == "Response time percentiles corrected for coordinated omission (exact, ms)");
  CHECK(table[3].find("/paced") != std::string::npos);
  CHECK(joined(table).find("/closed") == std::string::npos);
  // 10 requests and the 99 held back (990, 980 ... 10 ms): the median is the 46th of those.
  CHECK(table[3].find("     460 ") != std::string::npos);
}

TEST_CASE("exact times print with 3 significant digits") {
  CHECK(significant_ms(0.2534) == "0.253");
  CHECK(significant_ms(4.5449) == "4.54");
  CHECK(significant_ms(30.46) == "30.5");
  CHECK(significant_ms(1234.4) == "1234");
}

}  // namespace cicada::report
