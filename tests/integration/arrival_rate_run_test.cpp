// The open workload model as a user runs it: an arrival rate against a target
// that answers in 50 ms, in one process and spread over two workers, and a
// cap too low for the rate.
#include <doctest/doctest.h>

#include <fstream>
#include <algorithm>
#include <sstream>

#include "support/target_process.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

constexpr double kRate = 100;  // iterations (one request each) per second

struct ArrivalBench : test::TargetProcess {
  ArrivalBench() : TargetProcess(CICADA_TARGET_BINARY, "cicada-arrival") {}
  std::string scenario(int max_concurrency) const {
    const std::string path = dir + "/open.yaml";
    std::ofstream(path) << "host: http://127.0.0.1:" << port << "\nusers:\n  - name: Checkout\n"
                        << "    arrival_rate: {rate: " << kRate
                        << ", max_concurrency: " << max_concurrency << "}\n"
                        << "    tasks:\n      - get: /delay?ms=50\n        name: /delay\n";
    return path;
  }
};

/// The Aggregated row of a `--csv` stats file: requests, and requests per
/// second from the start of the test to the last request (Locust's total rate).
double measured_rate(const std::string& stats_csv, std::int64_t* requests) {
  std::istringstream lines(test::read_file(stats_csv));
  const auto cells = [](const std::string& row) {
    std::vector<std::string> out;
    std::stringstream fields(row);
    for (std::string cell; std::getline(fields, cell, ',');) out.push_back(cell);
    return out;
  };
  std::string line;
  std::getline(lines, line);
  const auto header = cells(line);
  const auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<std::size_t>(it - header.begin());
  };
  while (std::getline(lines, line)) {
    const auto row = cells(line);
    if (row.size() < header.size() || row[1] != "Aggregated") continue;
    *requests = std::stoll(row[column("Request Count")]);
    return std::stod(row[column("Requests/s")]);
  }
  FAIL("no Aggregated row in " << stats_csv);
  return 0;
}

/// The most users the stats history saw at once (Aggregated rows).
std::int64_t peak_users(const std::string& history_csv) {
  std::istringstream lines(test::read_file(history_csv));
  std::string line;
  std::getline(lines, line);  // header
  std::int64_t peak = 0;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::stringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    if (cells.size() > 3 && cells[3] == "Aggregated") peak = std::max<std::int64_t>(peak, std::stoll(cells[1]));
  }
  return peak;
}

/// The "# started" and "# dropped" of a class in the console's iterations table.
std::pair<std::int64_t, std::int64_t> iteration_row(const std::string& log,
                                                    const std::string& class_name) {
  const auto table = log.find("Arrival-rate iterations");
  REQUIRE(table != std::string::npos);
  std::istringstream lines(log.substr(table));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string name;
    std::int64_t started = -1;
    std::int64_t dropped = -1;
    if (words >> name >> started >> dropped && name == class_name) return {started, dropped};
  }
  FAIL("no row for " << class_name);
  return {};
}

}  // namespace

TEST_CASE("arrival rate: 100/s against a 50 ms target holds the rate, adding users as needed") {
  ArrivalBench bench;
  const int code = test::run_command(
      {CICADA_STANDALONE_BINARY, "-f", bench.scenario(200), "--headless", "-t", "21s",
       "--only-summary", "--csv", bench.dir + "/run", "--csv-full-history", "--threshold",
       "dropped_iterations<1"},
      bench.dir + "/run.log", 60s);
  REQUIRE(code == 0);
  std::int64_t requests = 0;
  const double rate = measured_rate(bench.dir + "/run_stats.csv", &requests);
  INFO("requests " << requests << ", rate " << rate);
  CHECK(requests >= 20 * kRate);
  CHECK(rate == doctest::Approx(kRate).epsilon(0.02));
  // 100/s of 50 ms needs about 5 at once: more are made as needed, far from the cap of 200.
  const std::int64_t peak = peak_users(bench.dir + "/run_stats_history.csv");
  CHECK(peak >= 4);
  CHECK(peak <= 20);
  const std::string log = test::read_file(bench.dir + "/run.log");
  const auto [started, dropped] = iteration_row(log, "Checkout");
  CHECK(started >= requests);
  CHECK(dropped == 0);
}

TEST_CASE("arrival rate: a cap too low for the rate drops iterations and says so") {
  ArrivalBench bench;
  const int code = test::run_command({CICADA_STANDALONE_BINARY, "-f", bench.scenario(2),
                                      "--headless", "-t", "4s", "--only-summary", "--csv",
                                      bench.dir + "/run", "--threshold", "dropped_iterations<1"},
                                     bench.dir + "/run.log", 60s);
  CHECK(code == 3);  // the threshold on dropped iterations failed
  const std::string log = test::read_file(bench.dir + "/run.log");
  // Two users of 50 ms each start at most 40 a second of the 100 due.
  const auto [started, dropped] = iteration_row(log, "Checkout");
  CHECK(started <= 4 * 45);
  CHECK(dropped >= 4 * 50);
  CHECK(log.find("Checkout: an iteration was due while all 2 users this process may run were "
                 "busy: dropped") != std::string::npos);
  CHECK(log.find("iterations dropped: no user free to start them (max_concurrency 2)") !=
        std::string::npos);
  std::int64_t requests = 0;
  measured_rate(bench.dir + "/run_stats.csv", &requests);
  CHECK(requests <= started);
}

TEST_CASE("arrival rate: a master shares the rate over its two workers and the total holds") {
  ArrivalBench bench;
  const auto scenario = bench.scenario(200);
  const auto port = std::to_string(test::free_port());
  test::ChildProcess master({CICADA_MASTER_BINARY, "-f", scenario, "--headless", "-t", "12s",
                             "--expect-workers", "2", "--master-bind-host", "127.0.0.1",
                             "--master-bind-port", port, "--only-summary", "--csv",
                             bench.dir + "/run"},
                            bench.dir + "/master.log");
  test::ChildProcess worker1({CICADA_WORKER_BINARY, "-f", scenario, "--master-port", port},
                             bench.dir + "/worker1.log");
  test::ChildProcess worker2({CICADA_WORKER_BINARY, "-f", scenario, "--master-port", port},
                             bench.dir + "/worker2.log");
  REQUIRE(master.wait(60s) == 0);
  std::int64_t requests = 0;
  const double rate = measured_rate(bench.dir + "/run_stats.csv", &requests);
  INFO("requests " << requests << ", rate " << rate);
  CHECK(rate == doctest::Approx(kRate).epsilon(0.02));
  for (const char* worker : {"/worker1.log", "/worker2.log"}) {
    INFO(worker);
    CHECK(test::read_file(bench.dir + worker)
              .find("Checkout: iterations at 100/s (50% of it here, at most 100 at once)") !=
          std::string::npos);
  }
  const auto [started, dropped] = iteration_row(test::read_file(bench.dir + "/master.log"),
                                                "Checkout");
  CHECK(started >= requests);
  CHECK(dropped == 0);
}

}  // namespace cicada
