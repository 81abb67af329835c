// Locust's protocol both ways, with Debian's real python3-locust (2.12.1):
// a Locust master driving cicada workers, and a cicada master driving Locust workers.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <thread>

#include "cicada/target/target_server.hpp"
#include "support/child_process.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

/// The target server on its own thread; counts are read after stop().
struct BackgroundTarget {
  asio::io_context io;
  target::TargetServer server{io};
  std::uint16_t port = server.listen("127.0.0.1", 0);
  std::thread thread{[this] { io.run(); }};
  std::int64_t total = 0;

  void stop() {
    asio::post(io, [this] {
      total = server.total_requests();
      server.stop();
      io.stop();
    });
    thread.join();
  }
  ~BackgroundTarget() {
    if (thread.joinable()) stop();
  }
};

struct Files {
  std::string dir = test::make_temp_dir("cicada-interop");
  std::string locustfile = dir + "/locustfile.py";
  std::string scenario = dir + "/scenario.yaml";
  explicit Files(std::uint16_t target_port) {
    // The same user class on both sides: Locust needs the class, cicada the scenario.
    std::ofstream(locustfile) << "from locust import HttpUser, constant, task\n\n"
                              << "class Visitor(HttpUser):\n    wait_time = constant(0.1)\n\n"
                              << "    @task\n    def index(self):\n        self.client.get('/')\n";
    std::ofstream(scenario)
        << "host: http://127.0.0.1:" << target_port << "\n"
        << "users:\n  - name: Visitor\n    wait_time: {constant: 0.1}\n    tasks: [{get: /}]\n";
  }
};

/// Sums the "Request Count" of the Aggregated row of a Locust-format stats CSV.
std::int64_t aggregated_requests(const std::string& csv) {
  const auto row = csv.find(",Aggregated,");
  REQUIRE(row != std::string::npos);
  return std::stoll(csv.substr(row + 12, csv.find(',', row + 12) - row - 12));
}

std::vector<std::string> matches(const std::string& text, const std::string& pattern) {
  std::vector<std::string> found;
  const std::regex expression(pattern);
  for (std::sregex_iterator it(text.begin(), text.end(), expression), end; it != end; ++it)
    found.push_back((*it)[1]);
  return found;
}

}  // namespace

TEST_CASE("a Locust master drives cicada workers to completion") {
  BackgroundTarget target;
  Files files(target.port);
  const auto master_port = test::free_port();
  test::ChildProcess master({"/usr/bin/python3",
                             "-m",
                             "locust",
                             "-f",
                             files.locustfile,
                             "--master",
                             "--headless",
                             "-u",
                             "20",
                             "-r",
                             "20",
                             "-t",
                             "5s",
                             "--expect-workers",
                             "2",
                             "--master-bind-host",
                             "127.0.0.1",
                             "--master-bind-port",
                             std::to_string(master_port),
                             "-H",
                             "http://127.0.0.1:" + std::to_string(target.port),
                             "--csv",
                             files.dir + "/locust"},
                            files.dir + "/master.log");
  std::vector<std::unique_ptr<test::ChildProcess>> workers;
  for (int i = 0; i < 2; ++i) {
    workers.push_back(std::make_unique<test::ChildProcess>(
        std::vector<std::string>{CICADA_WORKER_BINARY, "-f", files.scenario, "--master-host",
                                 "127.0.0.1", "--master-port", std::to_string(master_port)},
        files.dir + "/worker" + std::to_string(i) + ".log"));
  }
  const int master_exit = master.wait(60s);
  for (auto& worker : workers) CHECK(worker->wait(20s) == 0);
  target.stop();
  const std::string master_log = test::read_file(files.dir + "/master.log");
  INFO("master log:\n" << master_log);
  CHECK(master_exit == 0);
  // Each worker was asked for, and reported, its half of the 20 users.
  for (int i = 0; i < 2; ++i) {
    const auto spawned =
        matches(test::read_file(files.dir + "/worker" + std::to_string(i) + ".log"),
                R"(Spawned \{Visitor: (\d+)\})");
    REQUIRE_FALSE(spawned.empty());
    CHECK(spawned.back() == "10");
  }
  const auto recorded = aggregated_requests(test::read_file(files.dir + "/locust_stats.csv"));
  MESSAGE("Locust master recorded " << recorded << " requests, the server saw " << target.total);
  CHECK(recorded > 100);
  CHECK(recorded <= target.total);
  CHECK(target.total - recorded <= 20);  // at most the requests in flight at the end
}

TEST_CASE("a Locust master's -T selects the tasks a cicada worker runs") {
  BackgroundTarget target;
  Files files(target.port);
  // Two tagged tasks on both sides; the master picks one with -T.
  std::ofstream(files.locustfile) << "from locust import HttpUser, constant, tag, task\n\n"
                                  << "class Visitor(HttpUser):\n    wait_time = constant(0.1)\n\n"
                                  << "    @tag('fast')\n    @task\n    def index(self):\n"
                                  << "        self.client.get('/')\n\n"
                                  << "    @tag('other')\n    @task\n    def other(self):\n"
                                  << "        self.client.get('/json')\n";
  std::ofstream(files.scenario) << "host: http://127.0.0.1:" << target.port << "\n"
                                << "users:\n  - name: Visitor\n    wait_time: {constant: 0.1}\n"
                                << "    tasks:\n      - {get: /, tags: [fast]}\n"
                                << "      - {get: /json, tags: [other]}\n";
  const auto master_port = test::free_port();
  test::ChildProcess master({"/usr/bin/python3",
                             "-m",
                             "locust",
                             "-f",
                             files.locustfile,
                             "--master",
                             "--headless",
                             "-u",
                             "4",
                             "-r",
                             "10",
                             "-t",
                             "4s",
                             "-T",
                             "other",
                             "--expect-workers",
                             "1",
                             "--master-bind-host",
                             "127.0.0.1",
                             "--master-bind-port",
                             std::to_string(master_port),
                             "-H",
                             "http://127.0.0.1:" + std::to_string(target.port),
                             "--csv",
                             files.dir + "/locust"},
                            files.dir + "/master.log");
  test::ChildProcess worker({CICADA_WORKER_BINARY, "-f", files.scenario, "--master-host",
                             "127.0.0.1", "--master-port", std::to_string(master_port)},
                            files.dir + "/worker.log");
  CHECK(master.wait(60s) == 0);
  CHECK(worker.wait(20s) == 0);
  target.stop();
  const std::string csv = test::read_file(files.dir + "/locust_stats.csv");
  INFO("master's CSV:\n" << csv);
  CHECK(csv.find("GET,/json,") != std::string::npos);
  CHECK(csv.find("GET,/,") == std::string::npos);
}

TEST_CASE("a cicada master drives Locust workers to completion") {
  BackgroundTarget target;
  Files files(target.port);
  const auto master_port = test::free_port();
  test::ChildProcess master(
      {CICADA_MASTER_BINARY, "-f", files.scenario, "--headless", "-u", "20", "-r", "20", "-t", "5",
       "--expect-workers", "2", "--master-bind-host", "127.0.0.1", "--master-bind-port",
       std::to_string(master_port), "--csv", files.dir + "/cicada"},
      files.dir + "/master.log");
  std::vector<std::unique_ptr<test::ChildProcess>> workers;
  for (int i = 0; i < 2; ++i) {
    workers.push_back(std::make_unique<test::ChildProcess>(
        std::vector<std::string>{"/usr/bin/python3", "-m", "locust", "-f", files.locustfile,
                                 "--worker", "--master-host", "127.0.0.1", "--master-port",
                                 std::to_string(master_port), "-H",
                                 "http://127.0.0.1:" + std::to_string(target.port)},
        files.dir + "/worker" + std::to_string(i) + ".log"));
  }
  const int master_exit = master.wait(60s);
  for (auto& worker : workers) worker->wait(20s);
  target.stop();
  const std::string master_log = test::read_file(files.dir + "/master.log");
  INFO("master log:\n" << master_log);
  CHECK(master_exit == 0);
  CHECK(master_log.find("All users spawned: {\"Visitor\": 20} (20 total users)") !=
        std::string::npos);
  CHECK(matches(master_log, R"(reported as ready\. (\d+) workers connected)").back() == "2");
  const auto recorded = aggregated_requests(test::read_file(files.dir + "/cicada_stats.csv"));
  MESSAGE("cicada master recorded " << recorded << " requests, the server saw " << target.total);
  CHECK(recorded > 100);
  CHECK(recorded <= target.total);
  CHECK(target.total - recorded <= 20);
}

}  // namespace cicada
