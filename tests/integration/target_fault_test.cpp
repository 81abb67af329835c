// Faults of the system under test, with real processes: a target that answers
// garbage, closes, resets, truncates, stalls, streams forever or refuses, and
// the timeouts and limits that bound them.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/fault_bench.hpp"

namespace cicada {

TEST_CASE("a response that is not HTTP fails that request only: the user's next ones count") {
  Bench bench;
  const auto scenario =
      bench.scenario("      - get: /garbage\n      - get: /\n        weight: 4\n");
  auto master = bench.master(scenario, "run", {"-u", "4", "-r", "4", "-t", "4s"});
  auto worker = bench.worker(scenario, 0);
  REQUIRE(master->wait(30s) == 1);  // 1: some requests failed (the garbage ones)

  auto rows = read_stats_csv(bench.dir + "/run_stats.csv");
  INFO(test::read_file(bench.dir + "/run_stats.csv"));
  CHECK(rows["/garbage"].requests > 0);
  CHECK(rows["/garbage"].failures == rows["/garbage"].requests);
  CHECK(rows["/"].requests > 40);
  CHECK(rows["/"].failures == 0);
  CHECK(logged(bench.dir + "/run_failures.csv", "BadStatusLine"));
}

namespace {

struct Run {
  int exit_code;
  std::string log;
};

Run cicada(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), CICADA_STANDALONE_BINARY);
  const std::string log = dir + "/cicada.log";
  const int code = test::run_command(args, log, 60s);
  return {code, test::read_file(log)};
}

}  // namespace

TEST_CASE("timeouts and the body limit: YAML sets them, a step its own, the command line wins") {
  Bench bench;
  const std::string scenario = bench.dir + "/timeouts.yaml";
  std::ofstream(scenario) << "host: http://127.0.0.1:" << bench.target_port << R"(
http: {timeout: 0.3}
users:
  - name: Reader
    http: {max_body_size: 1000}
    wait_time: {constant: 0.1}
    tasks:
      - get: /delay?ms=2000
        name: slow
      - get: /bytes?n=5000
        name: big
      - get: /delay?ms=1000
        name: own
        timeout: 0.2
)";
  const std::string csv = bench.dir + "/yaml";
  auto run = cicada(bench.dir,
                    {"-f", scenario, "--headless", "-u", "3", "-r", "3", "-t", "3s", "--csv", csv});
  CHECK(run.exit_code == 1);
  std::string failures = test::read_file(csv + "_failures.csv");
  CHECK(failures.find("slow,ReadTimeout('no response within 0.3 s')") != std::string::npos);
  CHECK(failures.find("big,ResponseTooLarge('body larger than 1000 bytes')") != std::string::npos);
  CHECK(failures.find("own,ReadTimeout('no response within 0.2 s')") != std::string::npos);

  const std::string flags = bench.dir + "/flags";
  run = cicada(bench.dir, {"-f", scenario, "--headless", "-u", "3", "-r", "3", "-t", "4s", "--csv",
                           flags, "--network-timeout", "1.5", "--max-body-size", "10000"});
  failures = test::read_file(flags + "_failures.csv");
  CHECK(failures.find("slow,ReadTimeout('no response within 1.5 s')") != std::string::npos);
  CHECK(failures.find("big,") == std::string::npos);
  CHECK(read_stats_csv(flags + "_stats.csv")["big"].requests > 0);
  CHECK(failures.find("own,ReadTimeout('no response within 0.2 s')") != std::string::npos);

  CHECK(cicada(bench.dir, {"-f", scenario, "--network-timeout", "0", "--headless"}).exit_code == 2);
  std::ofstream(scenario)
      << "users:\n  - name: R\n    http: {timeout: -1}\n    tasks: [{get: /}]\n";
  run = cicada(bench.dir, {"-f", scenario, "--headless", "-t", "1s"});
  CHECK(run.exit_code == 2);
  CHECK(run.log.find("timeout must be a positive number of seconds") != std::string::npos);
}

TEST_CASE("requests stalled when the test stops are recorded as failures, not dropped") {
  Bench bench;
  const auto scenario = bench.scenario("      - get: /delay?ms=30000\n        name: stalled\n");
  const std::string csv = bench.dir + "/run";
  const auto started = std::chrono::steady_clock::now();
  const auto run = cicada(
      bench.dir, {"-f", scenario, "--headless", "-u", "2", "-r", "2", "-t", "2s", "--csv", csv});
  CHECK(std::chrono::steady_clock::now() - started < 15s);
  CHECK(run.exit_code == 1);
  const auto rows = read_stats_csv(csv + "_stats.csv");
  CHECK(rows.at("stalled").requests == 2);
  CHECK(rows.at("stalled").failures == 2);
  CHECK(test::read_file(csv + "_failures.csv").find("StoppedWhileWaiting('no response after") !=
        std::string::npos);
}

namespace {

// Open descriptors and resident memory (KiB) of a running process.
std::pair<std::int64_t, std::int64_t> descriptors_and_rss(pid_t pid) {
  std::int64_t fds = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    ++fds;
  std::istringstream status(test::read_file("/proc/" + std::to_string(pid) + "/status"));
  std::int64_t rss = 0;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::stoll(line.substr(6));
  }
  return {fds, rss};
}

}  // namespace

TEST_CASE("a misbehaving target: every fault is a failure that says what happened, within bounds") {
  Bench bench;
  const auto refused_port = test::free_port();
  const std::string scenario = bench.dir + "/faults.yaml";
  std::ofstream(scenario) << "host: http://127.0.0.1:" << bench.target_port << R"(
http: {timeout: 1, max_body_size: 100000}
users:
  - name: Reader
    wait_time: {constant: 0.05}
    tasks:
      - get: /
        weight: 4
      - get: /close
      - get: /reset
      - get: /truncate
      - get: /garbage
      - get: /delay?ms=5000
        name: /stall
      - get: /endless
      - get: http://127.0.0.1:)"
                          << refused_port << R"(/
        name: refused
)";
  auto master = bench.master(scenario, "run", {"-u", "5", "-r", "5", "-t", "8s"});
  auto worker = bench.worker(scenario, 0);
  std::int64_t most_fds = 0;
  std::int64_t most_rss = 0;
  while (master->running()) {
    if (worker->running()) {
      const auto [fds, rss] = descriptors_and_rss(worker->pid());
      most_fds = std::max(most_fds, fds);
      most_rss = std::max(most_rss, rss);
    }
    std::this_thread::sleep_for(200ms);
  }
  CHECK(master->wait(5s) == 1);  // requests failed

  const std::string failures = test::read_file(bench.dir + "/run_failures.csv");
  INFO(failures);
  for (const char* expected :
       {"/close,RemoteDisconnected('Remote end closed connection without response')",
        "/truncate,\"IncompleteRead(10 bytes read, 90 more expected)\"",
        "/reset,\"IncompleteRead(5 bytes read, 95 more expected)\"",
        "/garbage,BadStatusLine('malformed HTTP response: bad status line')",
        "/stall,ReadTimeout('no response within 1.0 s')",
        "/endless,ResponseTooLarge('body larger than 100000 bytes')",
        "refused,\"ConnectionRefusedError(111, 'Connection refused')\""}) {
    CHECK(failures.find(expected) != std::string::npos);
  }
  // A close right behind the bytes is seen as a close, never waited out.
  for (const char* never : {"/close,ReadTimeout", "/truncate,ReadTimeout", "/reset,ReadTimeout",
                            "/garbage,ReadTimeout"}) {
    CHECK(failures.find(never) == std::string::npos);
  }
  const auto rows = read_stats_csv(bench.dir + "/run_stats.csv");
  CHECK(rows.at("/").requests > 50);
  CHECK(rows.at("/").failures == 0);
  // 5 users hold at most one connection each, whatever the target did.
  INFO("most descriptors " << most_fds << ", most RSS " << most_rss << " KiB");
  CHECK(most_fds < 40);
  // An endless body buffered without a limit would take gigabytes in these 8 s;
  // the bound leaves room for ASan's shadow memory and quarantine.
  CHECK(most_rss < 300 * 1024);
}

}  // namespace cicada
