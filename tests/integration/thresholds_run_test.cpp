// --threshold and YAML thresholds as a user runs them: the verdicts, the
// exit code, the table, the CSV file and the HTML report, --abort-on-threshold,
// and a master judging its workers' merged statistics.
#include <doctest/doctest.h>

#include <fstream>

#include "support/target_process.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

struct ThresholdBench : test::TargetProcess {
  ThresholdBench() : TargetProcess(CICADA_TARGET_BINARY, "cicada-thresholds") {}
  /// `/` answers at once; `/slow` after 30 ms.
  std::string scenario(const std::string& extra = "") const {
    const std::string path = dir + "/scenario.yaml";
    std::ofstream(path) << "host: http://127.0.0.1:" << port
                        << "\nusers:\n  - name: U\n    wait_time: {constant: 0.05}\n"
                        << "    tasks:\n      - get: /\n      - get: /delay?ms=30\n"
                        << "        name: /slow\n"
                        << extra;
    return path;
  }
  struct Run {
    int exit_code;
    std::string output;
  };
  Run cicada(std::vector<std::string> args, const std::string& name = "run") const {
    args.insert(args.begin(), CICADA_STANDALONE_BINARY);
    const int code = test::run_command(args, dir + "/" + name + ".log", 90s);
    return {code, test::read_file(dir + "/" + name + ".log")};
  }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("thresholds: each kind passes, and each fails with exit code 3, listed in the table") {
  ThresholdBench bench;
  const auto scenario = bench.scenario();
  const std::vector<std::string> run = {"-f", scenario, "--headless", "-u", "4",
                                        "-r", "10",     "-t",         "3",  "--only-summary"};
  auto passing = run;
  for (const char* threshold :
       {"p99<5s", "fail_ratio<0.5", "rps>1", "name=/slow:p50>=25ms", "avg<2s", "requests>10"}) {
    passing.insert(passing.end(), {"--threshold", threshold});
  }
  const auto passed = bench.cicada(passing, "passing");
  CHECK(passed.exit_code == 0);
  CHECK(has(passed.output, "Thresholds: 6 passed, 0 failed"));
  CHECK(has(passed.output, "  pass  name=/slow:p50>=25ms"));

  auto failing = run;
  for (const char* threshold :
       {"p50>5s", "fail_ratio>0.5", "rps>1000000", "name=/slow:p95<5ms", "requests<10"}) {
    failing.insert(failing.end(), {"--threshold", threshold});
  }
  const auto failed = bench.cicada(failing, "failing");
  CHECK(failed.exit_code == 3);
  CHECK(has(failed.output, "Thresholds: 0 passed, 5 failed"));
  CHECK(has(failed.output, "  FAIL  name=/slow:p95<5ms"));
  CHECK(has(failed.output, "Threshold rps>1000000 failed on Aggregated"));
  CHECK(has(failed.output, "Shutting down (exit code 3)"));
}

TEST_CASE("thresholds: from the YAML file too, in the CSV file and the HTML report") {
  ThresholdBench bench;
  const auto scenario = bench.scenario("thresholds: [\"name=/slow:p95<5ms\", \"rps>1\"]\n");
  const auto result = bench.cicada({"-f", scenario, "--headless", "-u", "2", "-r", "10", "-t", "2",
                                    "--only-summary", "--threshold", "fail_ratio<0.1", "--csv",
                                    bench.dir + "/run", "--html", bench.dir + "/report.html"});
  CHECK(result.exit_code == 3);
  CHECK(has(result.output, "Thresholds: 2 passed, 1 failed"));
  const std::string csv = test::read_file(bench.dir + "/run_thresholds.csv");
  CHECK(csv.rfind("Threshold,Name,Observed,Result\r\n", 0) == 0);
  CHECK(has(csv, "\r\nname=/slow:p95<5ms,GET /slow,"));
  CHECK(has(csv, ",fail\r\n"));
  CHECK(has(csv, "\r\nfail_ratio<0.1,Aggregated,0.0000,pass\r\n"));
  const std::string html = test::read_file(bench.dir + "/report.html");
  CHECK(has(html, "\"threshold\":\"name=/slow:p95<5ms\""));
  CHECK(has(html, "\"passed\":false"));

  const auto bad = bench.cicada(
      {"-f", bench.scenario("thresholds: [\"p95 below 3\"]\n"), "--headless", "-t", "1"}, "bad");
  CHECK(bad.exit_code == 2);
  CHECK(has(bad.output, "scenario.yaml:9:14: threshold 'p95 below 3': expected METRIC<VALUE"));
}

TEST_CASE("thresholds: --abort-on-threshold ends the run at the first failure") {
  ThresholdBench bench;
  const auto result =
      bench.cicada({"-f", bench.scenario(), "--headless", "-u", "2", "-r", "10", "-t", "60",
                    "--only-summary", "--threshold", "name=/slow:p50<5ms", "--abort-on-threshold"});
  CHECK(result.exit_code == 3);
  CHECK(has(result.output, "ending the test (--abort-on-threshold)"));
  CHECK_FALSE(has(result.output, "--run-time limit reached"));  // it did not run its 60 s
}

TEST_CASE("thresholds: a master judges its workers' merged statistics") {
  ThresholdBench bench;
  const auto scenario = bench.scenario();
  const auto port = std::to_string(test::free_port());
  test::ChildProcess master({CICADA_MASTER_BINARY,
                             "-f",
                             scenario,
                             "--headless",
                             "-u",
                             "4",
                             "-r",
                             "10",
                             "-t",
                             "3",
                             "--expect-workers",
                             "2",
                             "--master-bind-host",
                             "127.0.0.1",
                             "--master-bind-port",
                             port,
                             "--only-summary",
                             "--threshold",
                             "name=/slow:p50>=25ms",
                             "--threshold",
                             "p99<1ms"},
                            bench.dir + "/master.log");
  test::ChildProcess worker1({CICADA_WORKER_BINARY, "-f", scenario, "--master-port", port},
                             bench.dir + "/worker1.log");
  test::ChildProcess worker2({CICADA_WORKER_BINARY, "-f", scenario, "--master-port", port},
                             bench.dir + "/worker2.log");
  CHECK(master.wait(60s) == 3);
  const std::string log = test::read_file(bench.dir + "/master.log");
  CHECK(has(log, "Thresholds: 1 passed, 1 failed"));
  CHECK(has(log, "  FAIL  p99<1ms"));
}

}  // namespace cicada
