// YAML `stages:` as a user runs them: the user counts over time from the
// stats history CSV, in one process and with a master and two workers.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "support/target_process.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

// Stages of 6 s each: 3 users, then 6, then 2; then the test ends by itself.
constexpr const char* kStages =
    "stages:\n"
    "  - {duration: 6, users: 3, spawn_rate: 100}\n"
    "  - {duration: 12, users: 6, spawn_rate: 100}\n"
    "  - {duration: 18, users: 2, spawn_rate: 100}\n";

struct ShapeBench : test::TargetProcess {
  ShapeBench() : TargetProcess(CICADA_TARGET_BINARY, "cicada-shape") {}
  std::string scenario() const {
    const std::string path = dir + "/stages.yaml";
    std::ofstream(path) << "host: http://127.0.0.1:" << port
                        << "\nusers:\n  - name: U\n    wait_time: {constant: 0.1}\n"
                        << "    tasks:\n      - get: /\n"
                        << kStages;
    return path;
  }
};

/// The user count of each second, from the Aggregated rows of a stats history
/// CSV, keyed by seconds since its first row.
std::map<std::int64_t, std::int64_t> users_by_second(const std::string& path) {
  std::map<std::int64_t, std::int64_t> users;
  std::istringstream lines(test::read_file(path));
  std::string line;
  std::getline(lines, line);  // header
  std::int64_t first = -1;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::stringstream fields(line);
    for (std::string cell; std::getline(fields, cell, ',');) cells.push_back(cell);
    if (cells.size() < 4 || cells[3] != "Aggregated") continue;
    const std::int64_t timestamp = std::stoll(cells[0]);
    if (first < 0) first = timestamp;
    users.emplace(timestamp - first, std::stoll(cells[1]));  // the first row of a second
  }
  return users;
}

/// Checks that seconds [from, to] of the run had `expected` users. A second
/// may lack its row (a history line is written once a second, and a process
/// starved of CPU can miss one), but most must be there.
void check_stage(const std::map<std::int64_t, std::int64_t>& users, std::int64_t from,
                 std::int64_t to, std::int64_t expected) {
  std::int64_t seen = 0;
  for (std::int64_t second = from; second <= to; ++second) {
    INFO("second " << second);
    if (!users.count(second)) continue;
    ++seen;
    CHECK(users.at(second) == expected);
  }
  CHECK(seen >= to - from);  // at most one second missing
}

void check_planned_users(const std::string& history_csv) {
  const auto users = users_by_second(history_csv);
  // Each stage's last few seconds: a distributed run's counts come with the
  // workers' reports, so the first seconds of a stage may still show the last.
  check_stage(users, 3, 5, 3);
  check_stage(users, 9, 11, 6);
  check_stage(users, 15, 17, 2);
  CHECK(users.rbegin()->first <= 21);  // and then it ended by itself
}

}  // namespace

TEST_CASE("stages shape: a headless run follows the planned user counts and ends by itself") {
  ShapeBench bench;
  const int code =
      test::run_command({CICADA_STANDALONE_BINARY, "-f", bench.scenario(), "--headless",
                         "--only-summary", "--csv", bench.dir + "/run", "--csv-full-history"},
                        bench.dir + "/run.log", 60s);
  CHECK(code == 0);
  const std::string log = test::read_file(bench.dir + "/run.log");
  CHECK(log.find("Shape test updating to 6 users at 100.00 spawn rate") != std::string::npos);
  CHECK(log.find("Shape test stopping") != std::string::npos);
  check_planned_users(bench.dir + "/run_stats_history.csv");
}

TEST_CASE("stages shape: the master drives its two workers through the same plan") {
  ShapeBench bench;
  const auto scenario = bench.scenario();
  const auto port = std::to_string(test::free_port());
  test::ChildProcess master({CICADA_MASTER_BINARY, "-f", scenario, "--headless", "--expect-workers",
                             "2", "--master-bind-host", "127.0.0.1", "--master-bind-port", port,
                             "--csv", bench.dir + "/run", "--csv-full-history", "--only-summary"},
                            bench.dir + "/master.log");
  test::ChildProcess worker1({CICADA_WORKER_BINARY, "-f", scenario, "--master-port", port},
                             bench.dir + "/worker1.log");
  test::ChildProcess worker2({CICADA_WORKER_BINARY, "-f", scenario, "--master-port", port},
                             bench.dir + "/worker2.log");
  CHECK(master.wait(60s) == 0);
  check_planned_users(bench.dir + "/run_stats_history.csv");
}

}  // namespace cicada
