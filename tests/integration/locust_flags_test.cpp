// Locust's flags where a Locust user passes them: --enable-rebalancing
// anywhere, and -u/-r/-t/-T on a worker (the first three are the master's to
// decide; -T picks the worker's tasks).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "support/target_process.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

struct FlagsBench : test::TargetProcess {
  FlagsBench() : TargetProcess(CICADA_TARGET_BINARY, "cicada-flags") {}
  std::string scenario() const {
    const std::string path = dir + "/tagged.yaml";
    std::ofstream(path) << "host: http://127.0.0.1:" << port
                        << "\nusers:\n  - name: U\n    wait_time: {constant: 0.05}\n"
                        << "    tasks:\n      - {get: /, tags: [fast]}\n"
                        << "      - {get: /json, tags: [other]}\n";
    return path;
  }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("Locust's --enable-rebalancing is accepted (cicada always rebalances)") {
  FlagsBench bench;
  CHECK(test::run_command({CICADA_STANDALONE_BINARY, "-f", bench.scenario(), "--headless", "-u",
                           "1", "-t", "1", "--only-summary", "--enable-rebalancing"},
                          bench.dir + "/run.log", 30s) == 0);
}

TEST_CASE("a worker accepts -u, -r and -t (the master decides) and runs only its -T tasks") {
  FlagsBench bench;
  const auto scenario = bench.scenario();
  const auto port = std::to_string(test::free_port());
  test::ChildProcess master(
      {CICADA_MASTER_BINARY, "-f", scenario, "--headless", "-u", "2", "-r", "10", "-t", "3",
       "--master-bind-host", "127.0.0.1", "--master-bind-port", port, "--csv", bench.dir + "/run",
       "--only-summary", "--enable-rebalancing"},
      bench.dir + "/master.log");
  test::ChildProcess worker({CICADA_WORKER_BINARY, "-f", scenario, "--master-port", port, "-u",
                             "50", "-r", "50", "-t", "1h", "-T", "fast"},
                            bench.dir + "/worker.log");
  CHECK(master.wait(60s) == 0);
  CHECK(worker.wait(20s) == 0);  // the master's 3 s, not the worker's hour
  CHECK(has(test::read_file(bench.dir + "/master.log"), "(2 total users)"));
  const std::string csv = test::read_file(bench.dir + "/run_stats.csv");
  CHECK(has(csv, "\nGET,/,"));
  CHECK_FALSE(has(csv, "/json"));
}

TEST_CASE("a cicada master's -T reaches its workers, which run only those tasks") {
  FlagsBench bench;
  const auto scenario = bench.scenario();
  const auto port = std::to_string(test::free_port());
  test::ChildProcess master(
      {CICADA_MASTER_BINARY, "-f", scenario, "--headless", "-u", "2", "-r", "10", "-t", "3",
       "--master-bind-host", "127.0.0.1", "--master-bind-port", port, "--csv", bench.dir + "/run",
       "--only-summary", "-T", "other"},
      bench.dir + "/master.log");
  test::ChildProcess worker({CICADA_WORKER_BINARY, "-f", scenario, "--master-port", port},
                            bench.dir + "/worker.log");
  CHECK(master.wait(60s) == 0);
  CHECK(has(test::read_file(bench.dir + "/worker.log"), "Taking the master's tags: other"));
  const std::string csv = test::read_file(bench.dir + "/run_stats.csv");
  CHECK(has(csv, "\nGET,/json,"));
  CHECK_FALSE(has(csv, "\nGET,/,"));
}

TEST_CASE("an unknown user class on the command line exits 1, as Locust") {
  FlagsBench bench;
  for (const char* program : {CICADA_STANDALONE_BINARY, CICADA_WORKER_BINARY}) {
    INFO(program);
    CHECK(test::run_command({program, "-f", bench.scenario(), "Nobody"}, bench.dir + "/unknown.log",
                            30s) == 1);
    CHECK(has(test::read_file(bench.dir + "/unknown.log"), "error: Unknown User(s): Nobody"));
  }
}

TEST_CASE("the open-files limit is raised to the hard limit, with a warning when that is short") {
  FlagsBench bench;
  const std::string cicada = std::string(CICADA_STANDALONE_BINARY) + " -f " + bench.scenario() +
                             " --headless -r 1 -t 3 --only-summary";
  // A soft limit of 256 (under a higher hard one) is what the process starts with.
  test::ChildProcess raised({"sh", "-c", "ulimit -Sn 256 && exec " + cicada + " -u 1"},
                            bench.dir + "/raised.log");
  std::string limits;
  for (int i = 0; i < 100 && !has(limits, "Max open files"); ++i) {
    std::this_thread::sleep_for(20ms);
    if (has(test::read_file(bench.dir + "/raised.log"), "Ramping")) {
      limits = test::read_file("/proc/" + std::to_string(raised.pid()) + "/limits");
    }
  }
  const auto line_at = limits.find("Max open files");
  REQUIRE(line_at != std::string::npos);
  std::istringstream line(limits.substr(line_at + 14));
  std::string soft;
  std::string hard;
  line >> soft >> hard;
  CHECK(soft == hard);
  CHECK(soft != "256");
  CHECK(raised.wait(30s) == 0);

  // A hard limit of 512 cannot hold 1,000 users: said before the test starts.
  const int code = test::run_command({"sh", "-c", "ulimit -n 512 && exec " + cicada + " -u 1000"},
                                     bench.dir + "/short.log", 30s);
  CHECK(code == 0);
  CHECK(has(test::read_file(bench.dir + "/short.log"),
            "The open-files limit is 512 (the hard limit), below what 1000 users need"));
}

TEST_CASE("--config-users sets a class's tasks and weight from JSON text or a .json file") {
  FlagsBench bench;
  const auto scenario = bench.scenario();
  SUBCASE("JSON text: only the chosen task runs") {
    CHECK(
        test::run_command({CICADA_STANDALONE_BINARY, "-f", scenario, "--headless", "-u", "2", "-r",
                           "10", "-t", "2", "--csv", bench.dir + "/text", "--only-summary",
                           "--config-users", R"({"user_class_name": "U", "tasks": ["GET /json"]})"},
                          bench.dir + "/text.log", 30s) == 0);
    const std::string csv = test::read_file(bench.dir + "/text_stats.csv");
    CHECK(has(csv, "\nGET,/json,"));
    CHECK_FALSE(has(csv, "\nGET,/,"));
  }
  SUBCASE("a .json file holding an array") {
    const std::string file = bench.dir + "/users.json";
    std::ofstream(file) << R"([{"user_class_name": "U", "weight": 2, "tasks": ["GET /"]}])";
    CHECK(test::run_command(
              {CICADA_STANDALONE_BINARY, "-f", scenario, "--headless", "-u", "1", "-t", "2",
               "--csv", bench.dir + "/file", "--only-summary", "--config-users", file},
              bench.dir + "/file.log", 30s) == 0);
    const std::string csv = test::read_file(bench.dir + "/file_stats.csv");
    CHECK(has(csv, "\nGET,/,"));
    CHECK_FALSE(has(csv, "/json"));
  }
  SUBCASE("mistakes exit before the test, naming them") {
    CHECK(test::run_command({CICADA_STANDALONE_BINARY, "-f", scenario, "--headless", "-t", "1",
                             "--config-users", R"({"user_class_name": "Nobody", "weight": 2})"},
                            bench.dir + "/nobody.log", 30s) == 1);
    CHECK(has(test::read_file(bench.dir + "/nobody.log"),
              "--config-users names user class 'Nobody', which the test does not define"));
    CHECK(test::run_command({CICADA_STANDALONE_BINARY, "-f", scenario, "--headless", "-t", "1",
                             "--config-users", R"({"user_class_name": "U", "wieght": 2})"},
                            bench.dir + "/typo.log", 30s) == 2);
    CHECK(has(test::read_file(bench.dir + "/typo.log"), "'wieght' is not a user class setting"));
    CHECK(test::run_command({CICADA_STANDALONE_BINARY, "-f", scenario, "--headless", "-t", "1",
                             "--config-users", R"({"user_class_name": "U", "tasks": ["GET /x"]})"},
                            bench.dir + "/task.log", 30s) == 2);
    CHECK(has(test::read_file(bench.dir + "/task.log"),
              "user class U has no task 'GET /x' (it has: GET /, GET /json)"));
  }
}

}  // namespace cicada
