// Locust's flags where a Locust user passes them: --enable-rebalancing
// anywhere, and -u/-r/-t/-T on a worker (the first three are the master's to
// decide; -T picks the worker's tasks).
#include <doctest/doctest.h>

#include <fstream>
#include <thread>

#include "support/child_process.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

struct FlagsBench {
  std::string dir = test::make_temp_dir("cicada-flags");
  unsigned short target_port = test::free_port();
  test::ChildProcess target{{CICADA_TARGET_BINARY, "--port", std::to_string(target_port)},
                            dir + "/target.log"};
  FlagsBench() {
    for (int i = 0; i < 200 && test::read_file(dir + "/target.log").find("listening") ==
                                   std::string::npos;
         ++i) {
      std::this_thread::sleep_for(10ms);
    }
  }
  std::string scenario() const {
    const std::string path = dir + "/tagged.yaml";
    std::ofstream(path) << "host: http://127.0.0.1:" << target_port
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
  test::ChildProcess master({CICADA_MASTER_BINARY, "-f", scenario, "--headless", "-u", "2", "-r",
                             "10", "-t", "3", "--master-bind-host", "127.0.0.1",
                             "--master-bind-port", port, "--csv", bench.dir + "/run",
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

}  // namespace cicada
