// The health endpoints container probes use (--health-port): real
// cicada-master and cicada-worker processes, a real target server.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/child_process.hpp"
#include "support/http_fetch.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return condition();
}

bool logged(const std::string& log, const std::string& text) {
  return test::read_file(log).find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("a worker is live at once and ready only while its master heartbeats") {
  const std::string dir = test::make_temp_dir("cicada-health");
  const auto target_port = test::free_port();
  test::ChildProcess target({CICADA_TARGET_BINARY, "--port", std::to_string(target_port)},
                            dir + "/target.log");
  const std::string scenario = dir + "/scenario.yaml";
  std::ofstream(scenario) << "host: http://127.0.0.1:" << target_port << "\n"
                          << "users:\n  - name: Reader\n    wait_time: {constant: 0.1}\n"
                          << "    tasks:\n      - get: /\n";

  const auto master_port = test::free_port();
  const auto worker_health = test::free_port();
  const std::string worker_log = dir + "/worker.log";
  test::ChildProcess worker(
      {CICADA_WORKER_BINARY, "-f", scenario, "--master-port", std::to_string(master_port),
       "--health-port", std::to_string(worker_health)},
      worker_log);
  REQUIRE(wait_until([&] { return logged(worker_log, "Health endpoints at"); }, 10s));

  // No master yet: alive (a restart would not help), not ready (no traffic for it).
  auto live = test::get(worker_health, "/healthz");
  CHECK(live.status == 200);
  CHECK(json::parse(live.body)["status"] == "ok");
  auto ready = test::get(worker_health, "/readyz");
  CHECK(ready.status == 503);
  CHECK(json::parse(ready.body)["status"] == "unavailable");

  const auto master_health = test::free_port();
  const std::string master_log = dir + "/master.log";
  test::ChildProcess master(
      {CICADA_MASTER_BINARY, "-f", scenario, "--headless", "-u", "2", "-r", "2", "-t", "60s",
       "--master-bind-host", "127.0.0.1", "--master-bind-port", std::to_string(master_port),
       "--health-port", std::to_string(master_health)},
      master_log);
  REQUIRE(wait_until([&] { return test::get(worker_health, "/readyz").status == 200; }, 20s));
  const auto master_ready = test::get(master_health, "/readyz");
  CHECK(master_ready.status == 200);
  CHECK(json::parse(master_ready.body)["worker_count"] == 1);
  CHECK(wait_until(
      [&] { return json::parse(test::get(master_health, "/healthz").body)["state"] == "running"; },
      10s));

  // The master dies without a word: the worker stops being ready within
  // seconds (long before it gives the master up), and stays alive.
  master.signal(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  REQUIRE(wait_until([&] { return test::get(worker_health, "/readyz").status == 503; }, 20s));
  CHECK(std::chrono::steady_clock::now() - killed < 15s);
  CHECK(test::get(worker_health, "/healthz").status == 200);

  CHECK(test::get(worker_health, "/metrics").status == 404);
  CHECK(test::fetch(worker_health, "POST", "/healthz").status == 405);
}

}  // namespace cicada
