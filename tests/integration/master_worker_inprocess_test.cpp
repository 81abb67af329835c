// A master and a worker runner in one test process (each with its own loop),
// for what the executables do not show: custom messages both ways, and user
// exceptions forwarded to the master.
#include <doctest/doctest.h>

#include "cicada/master/master_runner.hpp"
#include "cicada/model/control_flow.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/worker/worker_runner.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

class Faulty : public User {
 public:
  using User::User;
  awaitable<void> fail() {
    co_await sleep(std::chrono::milliseconds(20));
    throw std::runtime_error("boom in a worker");
  }
};

struct Pair {
  UserClass faulty = UserClass::define<Faulty>("Faulty").task("fail", &Faulty::fail);
  Environment master_env{{faulty}};
  Environment worker_env{{faulty}};
  MasterRunner& master = master_env.create_master_runner("127.0.0.1", 0);
  WorkerRunner& worker = worker_env.create_worker_runner("127.0.0.1", master.port());

  template <typename Done>
  void run_until(Done done, std::chrono::milliseconds limit = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) {
        FAIL("timed out");
        return;
      }
      for (auto* io : {&master_env.io_context(), &worker_env.io_context()}) {
        if (io->stopped()) io->restart();
        io->run_for(5ms);
      }
    }
  }
};

class Picker : public User {
 public:
  using User::User;
  static inline int left_runs = 0;
  static inline int right_runs = 0;
  awaitable<void> left() {
    ++left_runs;
    co_return;
  }
  awaitable<void> right() {
    ++right_runs;
    co_return;
  }
};

}  // namespace

TEST_CASE("custom messages travel both ways between a master and a worker") {
  Pair pair;
  pair.run_until([&] { return pair.master.worker_count() == 1 && pair.worker.connected(); });
  std::vector<std::string> at_master;
  std::vector<std::int64_t> at_worker;
  pair.master.register_message("acme_report",
                               [&](const std::string& worker_id, const proto::Value& data) {
                                 CHECK(worker_id == pair.worker.node_id());
                                 at_master.push_back(*data.as_string());
                               });
  pair.worker.register_message(
      "acme_config", [&](const proto::Value& data) { at_worker.push_back(*data.as_int()); });
  CHECK_THROWS_AS(pair.worker.register_message("acme_config", [](const proto::Value&) {}),
                  std::logic_error);

  pair.worker.send_message("acme_report", proto::Value("hello master"));
  pair.master.send_message("acme_config", proto::Value(42));
  pair.master.send_message("acme_config", proto::Value(43), pair.worker.node_id());
  pair.run_until([&] { return at_master.size() == 1 && at_worker.size() == 2; });
  CHECK(at_master[0] == "hello master");
  CHECK(at_worker == std::vector<std::int64_t>{42, 43});
}

TEST_CASE("an exception in a worker's user reaches the master's exception table") {
  Pair pair;
  pair.run_until([&] { return pair.master.worker_count() == 1; });
  pair.master.start(2, 2);
  pair.run_until([&] {
    return !pair.master.exceptions().empty() && pair.master.exceptions().front().count >= 2;
  });
  const auto& row = pair.master.exceptions().front();
  CHECK(row.message == "boom in a worker");
  CHECK(row.traceback == "Faulty > fail");
  CHECK(row.nodes == std::set<std::string>{pair.worker.node_id()});
  pair.master.quit();
  pair.run_until([&] { return pair.master_env.io_context().stopped(); });
}

TEST_CASE("distributed events fire where Locust fires them, and report data travels") {
  Pair pair;
  std::vector<std::string> connected;
  int heartbeats_sent = 0;
  int heartbeats_received = 0;
  std::vector<std::string> reported;
  int test_stopping = 0;
  pair.master_env.events().worker_connect.add_listener(
      [&](std::string_view id) { connected.emplace_back(id); });
  pair.worker_env.events().heartbeat_sent.add_listener([&](std::string_view id, double at) {
    CHECK(id == pair.worker.node_id());
    CHECK(at > 1.7e9);  // Unix time
    ++heartbeats_sent;
  });
  pair.master_env.events().heartbeat_received.add_listener(
      [&](std::string_view, double) { ++heartbeats_received; });
  pair.worker_env.events().report_to_master.add_listener(
      [&](std::string_view, proto::Value::Map& data) {
        data.push_back({proto::Value("acme_queue_depth"), proto::Value(7)});
      });
  pair.master_env.events().worker_report.add_listener(
      [&](std::string_view id, const proto::Value::Map& data) {
        for (const auto& [key, value] : data) {
          if (key.as_string() && *key.as_string() == "acme_queue_depth")
            reported.push_back(std::string(id) + "=" + std::to_string(*value.as_int()));
        }
      });
  pair.master_env.events().test_stopping.add_listener([&](Environment&) { ++test_stopping; });

  pair.run_until([&] { return pair.master.worker_count() == 1; });
  CHECK(connected == std::vector<std::string>{pair.worker.node_id()});
  pair.master.start(1, 10);
  pair.run_until([&] { return heartbeats_received >= 2 && !reported.empty(); }, 10s);
  CHECK(heartbeats_sent >= heartbeats_received);
  CHECK(reported.front() == pair.worker.node_id() + "=7");
  pair.master.quit();
  pair.run_until([&] { return pair.master_env.io_context().stopped(); });
  CHECK(test_stopping == 1);  // a quit while running stops the test first, as in Locust
}

TEST_CASE(
    "update_user_class reaches the workers, from this master or as a Locust master sends it") {
  UserClass picker = UserClass::define<Picker>("Picker")
                         .task("left", &Picker::left)
                         .task("right", &Picker::right)
                         .wait_time(constant(0.002));
  Environment master_env{{picker}};
  Environment worker_env{{picker}};
  MasterRunner& master = master_env.create_master_runner("127.0.0.1", 0);
  WorkerRunner& worker = worker_env.create_worker_runner("127.0.0.1", master.port());
  const auto run_until = [&](auto done) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      for (auto* io : {&master_env.io_context(), &worker_env.io_context()}) {
        if (io->stopped()) io->restart();
        io->run_for(5ms);
      }
    }
    REQUIRE(done());
  };
  const auto worker_tasks = [&] {
    std::vector<std::string> names;
    for (const auto& task : worker_env.find_user_class("Picker")->tasks().tasks)
      names.push_back(task.name);
    return names;
  };
  Picker::left_runs = Picker::right_runs = 0;
  run_until([&] { return master.worker_count() == 1; });
  master.start(1, 10);
  run_until([&] { return Picker::left_runs > 5 && Picker::right_runs > 5; });

  // The web UI's editor and --config-users on a master end up here.
  master_env.update_user_class({.user_class_name = "Picker", .tasks = {{"right"}}});
  run_until([&] { return worker_tasks() == std::vector<std::string>{"right"}; });
  int left_before = Picker::left_runs;
  int right_before = Picker::right_runs;
  run_until([&] { return Picker::right_runs > right_before + 30; });
  CHECK(Picker::left_runs == left_before);  // the worker's running user moved over

  // What Locust 2.46's master broadcasts when its web UI's editor saves a class.
  master.send_message("update_user_class",
                      proto::make_map({{"user_class_name", proto::Value("Picker")},
                                       {"host", proto::Value("")},
                                       {"weight", proto::Value(1)},
                                       {"fixed_count", proto::Value(0)},
                                       {"tasks", proto::Value(proto::Value::Array{"left"})}}));
  run_until([&] { return worker_tasks() == std::vector<std::string>{"left"}; });

  // A bad one is refused by the worker, which carries on as it was.
  master.send_message("update_user_class",
                      proto::make_map({{"user_class_name", proto::Value("Picker")},
                                       {"tasks", proto::Value(proto::Value::Array{"middle"})}}));
  master.send_message("update_user_class", proto::Value("not settings"));
  left_before = Picker::left_runs;
  right_before = Picker::right_runs;
  run_until([&] { return Picker::left_runs > left_before + 30; });
  CHECK(Picker::right_runs == right_before);
  CHECK(worker_tasks() == std::vector<std::string>{"left"});
  CHECK(worker.connected());
  CHECK(worker.user_count() == 1);

  master.quit();
  run_until([&] { return master_env.io_context().stopped(); });
}

}  // namespace cicada
