// A master in this process, real cicada-worker processes, a real target server.
#include "cicada/master/master_runner.hpp"

#include <doctest/doctest.h>

#include <signal.h>

#include <fstream>

#include "cicada/runner/environment.hpp"
#include "cicada/scenario/scenario.hpp"
#include "cicada/target/target_server.hpp"
#include "support/child_process.hpp"
#include "support/loop.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

std::int64_t users_on(const MasterRunner& master, const std::string& id) {
  auto it = master.workers().find(id);
  if (it == master.workers().end()) return -1;
  std::int64_t total = 0;
  for (const auto& [name, count] : it->second.user_classes_count) total += count;
  return total;
}

std::vector<std::string> ids_in_state(const MasterRunner& master, const std::string& state) {
  std::vector<std::string> ids;
  for (const auto& [id, node] : master.workers()) {
    if (node.state == state) ids.push_back(id);
  }
  return ids;
}

struct Cluster {
  std::string dir = test::make_temp_dir("cicada-cluster");
  std::uint16_t target_port = test::free_port();
  std::string scenario_path = dir + "/scenario.yaml";
  std::unique_ptr<Environment> env;
  std::unique_ptr<target::TargetServer> target;  // after env: it goes first
  MasterRunner* master = nullptr;
  std::vector<std::unique_ptr<test::ChildProcess>> workers;

  explicit Cluster(bool master_knows_classes = true) {
    std::ofstream(scenario_path) << "host: http://127.0.0.1:" << target_port << R"(
users:
  - name: Reader
    weight: 2
    wait_time: {constant: 0.1}
    tasks: [{get: /}]
  - name: Writer
    weight: 1
    wait_time: {constant: 0.1}
    tasks: [{post: /echo, body: x}]
)";
    EnvironmentOptions options;
    options.stop_timeout_seconds = 5;  // let running requests finish, so counts can match
    auto classes = scenario::load_scenario(scenario_path).user_classes;
    if (!master_knows_classes) classes.clear();
    env = std::make_unique<Environment>(std::move(classes), options);
    target = std::make_unique<target::TargetServer>(env->io_context());
    target->listen("127.0.0.1", target_port);
    master = &env->create_master_runner("127.0.0.1", 0);
  }

  void add_worker() {
    const std::string log = dir + "/worker" + std::to_string(workers.size()) + ".log";
    workers.push_back(std::make_unique<test::ChildProcess>(
        std::vector<std::string>{CICADA_WORKER_BINARY, "-f", scenario_path, "--master-host",
                                 "127.0.0.1", "--master-port", std::to_string(master->port())},
        log));
  }

  template <typename Done>
  void run_until(Done done, std::chrono::milliseconds limit = 20s) {
    test::run_until(env->io_context(), done, limit);
  }

  bool spread(std::int64_t per_worker, std::int64_t tolerance = 1) {
    const auto running = ids_in_state(*master, "running");
    if (running.empty()) return false;
    for (const auto& id : running) {
      if (std::abs(users_on(*master, id) - per_worker) > tolerance) return false;
    }
    return true;
  }

  std::int64_t server_requests() const { return target->total_requests(); }
};

}  // namespace

TEST_CASE("1 master and 3 workers: ramp, retarget, a worker killed, a worker joining") {
  Cluster cluster;
  for (int i = 0; i < 3; ++i) cluster.add_worker();
  cluster.run_until([&] { return cluster.master->worker_count() == 3; });

  cluster.master->start(300, 100);
  cluster.run_until(
      [&] { return cluster.master->state() == RunnerState::kRunning && cluster.spread(100); });
  CHECK(cluster.master->user_count() == 300);
  const auto counts = cluster.master->user_classes_count();
  CHECK(counts.at("Reader") == 200);
  CHECK(counts.at("Writer") == 100);

  cluster.master->start(30, 100);
  cluster.run_until([&] { return cluster.master->user_count() == 30 && cluster.spread(10); });

  // SIGKILL one worker: missing within ~5 s, its users move to the other two.
  const pid_t victim = cluster.workers[0]->pid();
  ::kill(victim, SIGKILL);
  const auto killed_at = std::chrono::steady_clock::now();
  cluster.run_until([&] { return ids_in_state(*cluster.master, "missing").size() == 1; });
  const auto noticed_after = std::chrono::steady_clock::now() - killed_at;
  MESSAGE("missing after " << std::chrono::duration<double>(noticed_after).count() << " s");
  CHECK(noticed_after < 6s);  // Locust's rule: the 5th heartbeat tick without news
  cluster.run_until([&] { return cluster.master->user_count() == 30 && cluster.spread(15); });

  // A new worker joins mid-run and gets its share.
  cluster.add_worker();
  cluster.run_until(
      [&] { return ids_in_state(*cluster.master, "running").size() == 3 && cluster.spread(10); });

  cluster.master->quit();
  cluster.master->join();
  const auto recorded = cluster.env->stats().total().num_requests();
  const auto served = cluster.server_requests();
  MESSAGE("master recorded " << recorded << " requests, the server saw " << served);
  CHECK(recorded > 0);
  CHECK(recorded <= served);  // what the killed worker did after its last report is lost
  CHECK(served - recorded <= 10 * 20 * 4);  // at most ~4 s of the killed worker's 10 users
}

TEST_CASE("without kills the master's count equals the server's") {
  Cluster cluster;
  for (int i = 0; i < 2; ++i) cluster.add_worker();
  cluster.run_until([&] { return cluster.master->worker_count() == 2; });
  cluster.master->start(20, 20);
  cluster.run_until(
      [&] { return cluster.master->state() == RunnerState::kRunning && cluster.spread(10); });
  cluster.master->call_later(2s, [&] { cluster.master->quit(); });
  cluster.master->join();
  const auto recorded = cluster.env->stats().total().num_requests();
  const auto served = cluster.server_requests();
  MESSAGE("master recorded " << recorded << " requests, the server saw " << served);
  CHECK(recorded > 100);
  // Users stop gracefully (stop_timeout 5 s), so nothing is left in flight.
  CHECK(recorded == served);
  for (auto& worker : cluster.workers) CHECK(worker->wait(10s) == 0);
}

TEST_CASE("a worker joining a running test gets users at once, without a new ramp from zero") {
  Cluster cluster;
  for (int i = 0; i < 2; ++i) cluster.add_worker();
  cluster.run_until([&] { return cluster.master->worker_count() == 2; });
  cluster.master->start(12, 100);
  cluster.run_until(
      [&] { return cluster.master->state() == RunnerState::kRunning && cluster.spread(6, 0); });
  cluster.master->start(12, 0.5);  // same users; a ramp from zero would now take 24 s
  cluster.run_until([&] { return cluster.master->state() == RunnerState::kRunning; });
  cluster.add_worker();
  std::int64_t fewest_users = 12;
  cluster.run_until(
      [&] {
        fewest_users = std::min(fewest_users, cluster.master->user_count());
        return ids_in_state(*cluster.master, "running").size() == 3 && cluster.spread(4, 0);
      },
      10s);
  CHECK(fewest_users >= 8);  // the two old workers only gave up what the new one took
  cluster.master->quit();
  cluster.master->join();
}

TEST_CASE("a master without a test definition learns the classes from its cicada workers") {
  Cluster cluster(false);
  cluster.add_worker();
  cluster.run_until([&] {
    return cluster.master->worker_count() == 1 && cluster.master->user_classes().size() == 2;
  });
  cluster.master->start(6, 6);
  cluster.run_until(
      [&] { return cluster.master->state() == RunnerState::kRunning && cluster.spread(6, 0); });
  const auto counts = cluster.master->user_classes_count();
  CHECK(counts.at("Reader") == 4);
  CHECK(counts.at("Writer") == 2);
  cluster.master->quit();
  cluster.master->join();
}

}  // namespace cicada
