// The `cicada` executable as a user runs it: real processes, a real target server.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "support/child_process.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

struct Target {
  unsigned short port = test::free_port();
  std::string dir = test::make_temp_dir("cicada-cli");
  test::ChildProcess process{{CICADA_TARGET_BINARY, "--port", std::to_string(port)},
                             dir + "/target.log"};
  Target() {
    for (int i = 0;
         i < 200 && test::read_file(dir + "/target.log").find("listening") == std::string::npos;
         ++i) {
      std::this_thread::sleep_for(10ms);
    }
  }
  std::string scenario(const std::string& name, const std::string& tasks) const {
    const std::string path = dir + "/" + name;
    std::ofstream(path) << "host: http://127.0.0.1:" << port
                        << "\nusers:\n  - name: U\n    wait_time: {constant: 0.05}\n"
                        << "    tasks:\n"
                        << tasks;
    return path;
  }
};

struct Run {
  int exit_code;
  std::string output;
};

Run cicada(const std::vector<std::string>& args, const std::string& dir) {
  std::vector<std::string> argv{CICADA_STANDALONE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const int code = test::run_command(argv, dir + "/cicada.log", 60s);
  return {code, test::read_file(dir + "/cicada.log")};
}

}  // namespace

TEST_CASE("a headless run ends at --run-time, writes the CSV files and exits 0") {
  Target target;
  const auto scenario = target.scenario("ok.yaml", "      - get: /\n");
  const auto run = cicada({"-f", scenario, "--headless", "-u", "4", "-r", "4", "-t", "2", "--csv",
                           target.dir + "/results/run", "--only-summary"},
                          target.dir);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("Run time limit set to 2 seconds") != std::string::npos);
  CHECK(run.output.find("Shutting down (exit code 0)") != std::string::npos);
  const std::string stats = test::read_file(target.dir + "/results/run_stats.csv");
  CHECK(stats.rfind("Type,Name,Request Count,", 0) == 0);
  CHECK(stats.find("GET,/,") != std::string::npos);
  CHECK(stats.find(",Aggregated,") != std::string::npos);
  CHECK_FALSE(test::read_file(target.dir + "/results/run_stats_history.csv").empty());
}

TEST_CASE("failures make the exit code --exit-code-on-error") {
  Target target;
  const auto scenario = target.scenario("failing.yaml", "      - get: /status/500\n");
  auto run = cicada({"-f", scenario, "--headless", "-u", "2", "-t", "1"}, target.dir);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find(
            "HTTPError('500 Server Error: Internal Server Error for url: /status/500')") !=
        std::string::npos);
  run = cicada({"-f", scenario, "--headless", "-u", "2", "-t", "1", "--exit-code-on-error", "3"},
               target.dir);
  CHECK(run.exit_code == 3);
}

TEST_CASE("a mistake in the scenario is one line naming file, line and column, exit 2, no load") {
  Target target;
  const auto scenario = target.scenario("typo.yaml", "      - get: /\n        heders: {A: b}\n");
  const auto run = cicada({"-f", scenario, "--headless", "-u", "2", "-t", "1"}, target.dir);
  CHECK(run.exit_code == 2);
  CHECK(run.output.rfind("cicada: error: " + scenario + ":7:9: unknown key 'heders' in a step",
                         0) == 0);
  CHECK(std::count(run.output.begin(), run.output.end(), '\n') == 1);
  CHECK(run.output.find("Ramping") == std::string::npos);
}

TEST_CASE("bad flags and values exit 2 with one clear line") {
  Target target;
  struct Case {
    std::vector<std::string> args;
    std::string line;
  };
  const std::vector<Case> cases = {
      {{"--bogus"}, "cicada: error: The following argument was not expected: --bogus\n"},
      {{"-u", "many"}, "cicada: error: --users: 'many' is not a whole number >= 0\n"},
      {{"-r", "0"}, "cicada: error: --spawn-rate: '0' is not a number > 0\n"},
      {{"-t", "1h30x"},
       "cicada: error: --run-time: Invalid time span format. Valid formats: 20, 20s, 3m, 2h, "
       "1h20m, 3h30m10s, etc.\n"},
      {{"--csv-full-history"}, "cicada: error: '--csv-full-history' requires '--csv'.\n"},
      {{"-L", "LOUD"},
       "cicada: error: --loglevel: LOUD not in {DEBUG,INFO,WARNING,ERROR,CRITICAL}\n"},
  };
  for (const auto& c : cases) {
    const auto run = cicada(c.args, target.dir);
    CHECK(run.exit_code == 2);
    CHECK(run.output == c.line);
  }
}

TEST_CASE(
    "--help lists the flags with defaults and environment variables; LOCUST_ variables work") {
  Target target;
  const auto help = cicada({"--help"}, target.dir);
  CHECK(help.exit_code == 0);
  for (const char* flag : {"--locustfile",
                           "--host",
                           "--users",
                           "--spawn-rate",
                           "--run-time",
                           "--headless",
                           "--csv",
                           "--csv-full-history",
                           "--json",
                           "--print-stats",
                           "--only-summary",
                           "--reset-stats",
                           "--stop-timeout",
                           "--exit-code-on-error",
                           "--tags",
                           "--exclude-tags",
                           "--loglevel",
                           "--logfile",
                           "--config",
                           "--version",
                           "Env:CICADA_USERS",
                           "Env:CICADA_RUN_TIME"}) {
    CHECK_MESSAGE(help.output.find(flag) != std::string::npos, flag);
  }
  setenv("LOCUST_USERS", "many", 1);
  const auto from_env = cicada({}, target.dir);
  unsetenv("LOCUST_USERS");
  CHECK(from_env.exit_code == 2);
  CHECK(from_env.output.find("'many' is not a whole number") != std::string::npos);
}

TEST_CASE("settings come from a config file, and the command line wins over it") {
  Target target;
  const auto scenario = target.scenario("ok.yaml", "      - get: /\n");
  std::ofstream(target.dir + "/run.conf")
      << "locustfile = " << scenario << "\nheadless = true\nusers = 2\n"
      << "spawn-rate = 10\nrun-time = 1\nonly-summary = true\n";
  auto run = cicada({"--config", target.dir + "/run.conf"}, target.dir);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("Run time limit set to 1 seconds") != std::string::npos);
  CHECK(run.output.find("(2 total users)") != std::string::npos);
  run = cicada({"--config", target.dir + "/run.conf", "-u", "3"}, target.dir);
  CHECK(run.output.find("(3 total users)") != std::string::npos);
  std::ofstream(target.dir + "/bad.conf") << "users = many\n";
  run = cicada({"--config", target.dir + "/bad.conf"}, target.dir);
  CHECK(run.exit_code == 2);
  CHECK(run.output == "cicada: error: --users: 'many' is not a whole number >= 0\n");
}

TEST_CASE("cicada-master and cicada-worker list their flags and refuse bad ones with one line") {
  Target target;
  for (const char* binary : {CICADA_MASTER_BINARY, CICADA_WORKER_BINARY}) {
    const std::string name = std::string(binary).substr(std::string(binary).rfind('/') + 1);
    const int help_code = test::run_command({binary, "--help"}, target.dir + "/help.log");
    const std::string help = test::read_file(target.dir + "/help.log");
    CHECK(help_code == 0);
    const bool master = name == "cicada-master";
    for (const char* flag :
         master
             ? std::vector<const char*>{"--master-bind-host", "--master-bind-port",
                                        "--expect-workers", "--expect-workers-max-wait",
                                        "--processes", "--users", "--run-time", "--csv",
                                        "Env:CICADA_MASTER_BIND_PORT", "=5557"}
             : std::vector<const char*>{"--master-host", "--master-port", "--processes",
                                        "--locustfile", "Env:CICADA_MASTER_HOST", "=127.0.0.1"}) {
      CHECK_MESSAGE(help.find(flag) != std::string::npos, name << " " << flag);
    }
    const int bad_code = test::run_command(
        {binary, master ? "--master-bind-port" : "--master-port", "x"}, target.dir + "/bad.log");
    const std::string bad = test::read_file(target.dir + "/bad.log");
    CHECK(bad_code == 2);
    CHECK(bad.rfind(name + ": error: ", 0) == 0);
    CHECK(std::count(bad.begin(), bad.end(), '\n') == 1);
  }
}

}  // namespace cicada

namespace cicada {

TEST_CASE("cicada --processes 2 runs the test on two worker processes under a local master") {
  Target target;
  const auto scenario = target.scenario("ok.yaml", "      - get: /\n");
  const auto run = cicada({"-f", scenario, "--headless", "-u", "4", "-r", "20", "-t", "2",
                           "--processes", "2", "--csv", target.dir + "/run", "--only-summary"},
                          target.dir);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("2 workers connected") != std::string::npos);
  CHECK(run.output.find("(4 total users)") != std::string::npos);
  CHECK(test::read_file(target.dir + "/run_stats.csv").find("\nGET,/,") != std::string::npos);
  // Locust's check: a number of processes, or -1 for one per core.
  const auto zero = cicada({"-f", scenario, "--headless", "--processes", "0"}, target.dir);
  CHECK(zero.exit_code == 1);
  CHECK(zero.output.find("--processes must be a number of processes") != std::string::npos);
}

}  // namespace cicada
