#include "cicada/runner/local_runner.hpp"

#include <doctest/doctest.h>

#include "cicada/model/control_flow.hpp"
#include "cicada/runner/environment.hpp"
#include "support/loop.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

// A shared log the test users write to.
struct Journal {
  std::vector<std::string> lines;
  std::map<std::string, int> counts;
  void note(const std::string& line) {
    lines.push_back(line);
    ++counts[line];
  }
};
Journal* journal = nullptr;

class Counter : public User {
 public:
  using User::User;
  std::string token;
  awaitable<void> on_start() override {
    journal->note("start " + token);
    co_return;
  }
  awaitable<void> on_stop() override {
    journal->note("stop");
    co_return;
  }
  awaitable<void> heavy() {
    journal->note("heavy");
    co_await finish_if_done();
  }
  awaitable<void> light() {
    journal->note("light");
    co_await finish_if_done();
  }
  awaitable<void> finish_if_done() {
    if (journal->counts["heavy"] + journal->counts["light"] >= 4000) throw StopUser();
    co_return;
  }
};

class Slow : public User {
 public:
  using User::User;
  awaitable<void> work() {
    journal->note("task begins");
    co_await sleep(300ms);
    journal->note("task ends");
  }
  awaitable<void> on_stop() override {
    journal->note("on_stop");
    co_return;
  }
};

class Idle : public User {
 public:
  using User::User;
  awaitable<void> nothing() { co_return; }
};

// A class of users that do nothing between waits of `wait_seconds`.
UserClass idle_class(double wait_seconds = 0.05) {
  return UserClass::define<Idle>("Idle")
      .task("nothing", &Idle::nothing)
      .wait_time(constant(wait_seconds));
}

class Faulty : public User {
 public:
  using User::User;
  awaitable<void> fail() {
    journal->note("fail");
    if (journal->counts["fail"] >= 3) throw StopUser();
    throw std::runtime_error("boom");
  }
};

class Browse : public TaskSet {
 public:
  using TaskSet::TaskSet;
  awaitable<void> on_start() override {
    journal->note("browse start");
    co_return;
  }
  awaitable<void> on_stop() override {
    journal->note("browse stop");
    co_return;
  }
  awaitable<void> first() {
    journal->note("first");
    co_return;
  }
  awaitable<void> second() {
    journal->note("second");
    co_return;
  }
  awaitable<void> leave() {
    journal->note("leave");
    interrupt();
  }
};

class Shopper : public User {
 public:
  using User::User;
  awaitable<void> home() {
    journal->note("home");
    if (journal->counts["home"] >= 2) throw StopUser();
    co_return;
  }
};

struct JournalScope {
  Journal log;
  JournalScope() { journal = &log; }
  ~JournalScope() { journal = nullptr; }
};

EnvironmentOptions seeded() {
  EnvironmentOptions options;
  options.seed = 12345;
  return options;
}

}  // namespace

TEST_CASE("tasks run in proportion to their weights") {
  JournalScope scope;
  UserClass counter = UserClass::define<Counter>("Counter")
                          .task("heavy", &Counter::heavy, {.weight = 3})
                          .task("light", &Counter::light, {.weight = 1});
  Environment env({counter}, seeded());
  auto& runner = env.create_local_runner();
  runner.spawn_users({{"Counter", 1}});
  test::run_until(env.io_context(), [&] { return runner.user_count() == 0; });
  const double heavy = scope.log.counts["heavy"];
  const double light = scope.log.counts["light"];
  CHECK(heavy + light == 4000);
  CHECK(heavy / (heavy + light) == doctest::Approx(0.75).epsilon(0.04));
  CHECK(scope.log.lines.front() == "start ");
  CHECK(scope.log.lines.back() == "stop");  // StopUser runs on_stop
}

TEST_CASE("spawn_users returns users the caller can set up before they run") {
  JournalScope scope;
  UserClass counter = UserClass::define<Counter>("Counter").task("light", &Counter::light);
  Environment env({counter}, seeded());
  auto& runner = env.create_local_runner();
  auto users = runner.spawn_users({{"Counter", 2}});
  REQUIRE(users.size() == 2);
  dynamic_cast<Counter&>(*users[0]).token = "custom-token-1";
  dynamic_cast<Counter&>(*users[1]).token = "custom-token-2";
  CHECK(runner.state() == RunnerState::kSpawning);
  test::run_until(env.io_context(), [&] { return scope.log.counts["light"] > 0; });
  CHECK(scope.log.counts["start custom-token-1"] == 1);
  CHECK(scope.log.counts["start custom-token-2"] == 1);
  CHECK_THROWS_WITH(runner.spawn_users({{"Nobody", 1}}), "unknown user class 'Nobody'");
  runner.quit();
  test::run_until(env.io_context(), [&] { return runner.user_count() == 0; });
}

TEST_CASE("a task set runs until interrupted, then the parent carries on") {
  JournalScope scope;
  TaskSetClass browse = TaskSetClass::define_sequential<Browse>("Browse")
                            .task("first", &Browse::first)
                            .task("second", &Browse::second)
                            .task("leave", &Browse::leave);
  UserClass shopper = UserClass::define<Shopper>("Shopper")
                          .task(browse, {.weight = 1000})
                          .task("home", &Shopper::home, {.weight = 1});
  Environment env({shopper}, seeded());
  auto& runner = env.create_local_runner();
  runner.spawn_users({{"Shopper", 1}});
  test::run_until(env.io_context(), [&] { return runner.user_count() == 0; });
  // A sequential set runs its tasks in order; interrupt() runs the set's on_stop.
  const auto& lines = scope.log.lines;
  auto first = std::find(lines.begin(), lines.end(), "browse start");
  REQUIRE(first != lines.end());
  CHECK(std::vector<std::string>(first, first + 5) ==
        std::vector<std::string>{"browse start", "first", "second", "leave", "browse stop"});
  CHECK(scope.log.counts["browse start"] == scope.log.counts["browse stop"]);
  CHECK(scope.log.counts["home"] == 2);
}

TEST_CASE("an exception in a task is reported and the user carries on") {
  JournalScope scope;
  UserClass faulty = UserClass::define<Faulty>("Faulty").task("fail", &Faulty::fail);
  Environment env({faulty}, seeded());
  auto& runner = env.create_local_runner();
  int user_errors = 0;
  env.events().user_error.add_listener([&](const UserErrorEvent& e) {
    ++user_errors;
    CHECK(e.message == "boom");
    CHECK(e.traceback == "Faulty > fail");
  });
  runner.start(1, 1);
  test::run_until(env.io_context(),
                  [&] { return scope.log.counts["fail"] == 3 && runner.user_count() == 0; });
  CHECK(user_errors == 2);
  REQUIRE(runner.exceptions().size() == 1);
  CHECK(runner.exceptions().front().count == 2);
  CHECK(runner.exceptions().front().nodes == std::set<std::string>{"local"});
}

TEST_CASE("a ramp reaches the weighted target, and a ramp down removes the newest users") {
  UserClass a = UserClass::define<Idle>("A")
                    .task("nothing", &Idle::nothing)
                    .weight(1)
                    .wait_time(constant(0.05));
  UserClass b = UserClass::define<Idle>("B")
                    .task("nothing", &Idle::nothing)
                    .weight(3)
                    .wait_time(constant(0.05));
  Environment env({b, a}, seeded());  // not in name order: the runner must not care
  auto& runner = env.create_local_runner();
  std::vector<std::string> events;
  std::int64_t completed_count = -1;
  env.events().test_start.add_listener([&](Environment&) { events.push_back("test_start"); });
  env.events().spawning_complete.add_listener([&](std::int64_t n) {
    events.push_back("spawning_complete");
    completed_count = n;
  });
  env.events().test_stop.add_listener([&](Environment&) { events.push_back("test_stop"); });

  runner.start(8, 20);
  CHECK(runner.state() == RunnerState::kSpawning);
  test::run_until(env.io_context(), [&] { return runner.state() == RunnerState::kRunning; });
  CHECK(runner.user_classes_count() == std::map<std::string, std::int64_t>{{"A", 2}, {"B", 6}});
  CHECK(completed_count == 8);

  runner.start(4, 20);
  test::run_until(env.io_context(), [&] {
    return runner.state() == RunnerState::kRunning && runner.user_count() == 4;
  });
  CHECK(runner.user_classes_count() == std::map<std::string, std::int64_t>{{"A", 1}, {"B", 3}});
  CHECK(events == std::vector<std::string>{"test_start", "spawning_complete", "spawning_complete"});

  runner.stop();
  test::run_until(env.io_context(), [&] { return runner.state() == RunnerState::kStopped; });
  CHECK(runner.user_count() == 0);
  CHECK(events.back() == "test_stop");

  SUBCASE("a new start after a stop is a new test with fresh statistics") {
    env.stats().log_request("GET", "/old", 1000, 1);
    runner.start(2, 10);
    CHECK(env.stats().total().num_requests() == 0);
    CHECK(std::count(events.begin(), events.end(), "test_start") == 2);
    runner.quit();
    runner.join();
    CHECK(runner.user_count() == 0);
  }
}

TEST_CASE("the newest users of a class are the ones stopped") {
  UserClass idle = idle_class();
  Environment env({idle}, seeded());
  auto& runner = env.create_local_runner();
  runner.spawn_users({{"Idle", 5}});  // indices 0..4
  runner.start(8, 100);               // live users count: three more (5, 6, 7)
  test::run_until(env.io_context(), [&] { return runner.state() == RunnerState::kRunning; });
  CHECK(runner.user_count() == 8);
  runner.start(3, 100);
  test::run_until(env.io_context(), [&] { return runner.user_count() == 3; });
  std::vector<std::int64_t> remaining;
  for (const User* user : runner.users()) remaining.push_back(user->user_index());
  CHECK(remaining == std::vector<std::int64_t>{0, 1, 2});
  runner.quit();
  runner.join();
}

TEST_CASE("stop_timeout lets a running task finish, without it the task is cut short") {
  UserClass slow = UserClass::define<Slow>("Slow").task("work", &Slow::work).wait_time(constant(0));
  SUBCASE("graceful") {
    JournalScope scope;
    EnvironmentOptions options = seeded();
    options.stop_timeout_seconds = 10;
    Environment env({slow}, options);
    auto& runner = env.create_local_runner();
    runner.start(1, 1);
    test::run_until(env.io_context(), [&] { return scope.log.counts["task begins"] == 1; });
    runner.stop();
    test::run_until(env.io_context(), [&] { return runner.state() == RunnerState::kStopped; });
    CHECK(scope.log.counts["task ends"] == 1);
    CHECK(scope.log.counts["task begins"] == 1);  // no new task after the stop
    CHECK(scope.log.lines.back() == "on_stop");
  }
  SUBCASE("immediate") {
    JournalScope scope;
    Environment env({slow}, seeded());
    auto& runner = env.create_local_runner();
    runner.start(1, 1);
    test::run_until(env.io_context(), [&] { return scope.log.counts["task begins"] == 1; });
    runner.stop();
    test::run_until(env.io_context(), [&] { return runner.state() == RunnerState::kStopped; });
    CHECK(scope.log.counts["task ends"] == 0);
    CHECK(scope.log.lines.back() == "on_stop");  // on_stop still runs, as in Locust
  }
  SUBCASE("a waiting user stops at once even with a long grace period") {
    JournalScope scope;
    UserClass sleeper =
        UserClass::define<Slow>("Slow").task("work", &Slow::work).wait_time(constant(3600));
    EnvironmentOptions options = seeded();
    options.stop_timeout_seconds = 3600;
    Environment env({sleeper}, options);
    auto& runner = env.create_local_runner();
    runner.start(1, 1);
    test::run_until(env.io_context(), [&] { return scope.log.counts["task ends"] == 1; });
    runner.stop();
    test::run_until(env.io_context(), [&] { return runner.state() == RunnerState::kStopped; });
    CHECK(scope.log.lines.back() == "on_stop");
  }
}

TEST_CASE("requests recorded by users reach the statistics") {
  struct Recorder : User {
    using User::User;
    awaitable<void> call() {
      const std::string error = "HTTPError('500 Server Error')";
      record_request({"GET", "/ok", std::chrono::microseconds(1500), 10, nullptr, 0, ""});
      record_request({"GET", "/bad", std::chrono::microseconds(2500), 0, &error, 0, ""});
      throw StopUser();
    }
  };
  UserClass recorder = UserClass::define<Recorder>("Recorder").task("call", &Recorder::call);
  Environment env({recorder}, seeded());
  auto& runner = env.create_local_runner();
  runner.start(1, 1);
  test::run_until(env.io_context(), [&] { return env.stats().total().num_requests() == 2; });
  CHECK(env.stats().find("/ok", "GET")->num_failures() == 0);
  CHECK(env.stats().find("/bad", "GET")->num_failures() == 1);
  CHECK(env.stats().errors().size() == 1);
  runner.quit();
  runner.join();
}

TEST_CASE("100000 mostly waiting users spawn in one process") {
  UserClass idle = idle_class(3600);
  Environment env({idle}, seeded());
  auto& runner = env.create_local_runner();
  runner.spawn_users({{"Idle", 100'000}});
  CHECK(runner.user_count() == 100'000);
  // Let every user run its first task and settle into its wait.
  for (int i = 0; i < 50; ++i) env.io_context().poll();
  CHECK(runner.user_count() == 100'000);
  runner.quit();
  runner.join();
  CHECK(runner.user_count() == 0);
}

TEST_CASE("an Environment refuses classes that cannot run") {
  UserClass zero = UserClass::define<Idle>("Zero").task("nothing", &Idle::nothing).weight(0);
  CHECK_THROWS_WITH(Environment({zero}), "There are no users with weight > 0.");
  UserClass one = UserClass::define<Idle>("Same").task("nothing", &Idle::nothing);
  CHECK_THROWS_WITH(Environment({one, one}), "two user classes are named 'Same'");
}

namespace {

// An open-model user whose iteration takes 50 ms, counting how many run at once.
struct Checkout : User {
  using User::User;
  static inline int running = 0;
  static inline int most_running = 0;
  static inline int started = 0;
  static inline int on_starts = 0;
  awaitable<void> on_start() override {
    ++on_starts;
    co_return;
  }
  awaitable<void> buy() {
    ++started;
    most_running = std::max(most_running, ++running);
    try {
      co_await sleep(50ms);
    } catch (...) {
      --running;
      throw;
    }
    --running;
  }
  static void reset() { running = most_running = started = on_starts = 0; }
};

}  // namespace

TEST_CASE("an arrival rate starts iterations on its schedule, on as many users as it needs") {
  Checkout::reset();
  UserClass open = UserClass::define<Checkout>("Checkout")
                       .task("buy", &Checkout::buy)
                       .arrival_rate({.rate = 100, .max_concurrency = 50});
  Environment env({open}, seeded());
  auto& runner = env.create_local_runner();
  runner.start(0, 1);
  runner.call_later(1s, [&] { runner.quit(); });
  runner.join();
  const auto& count = env.stats().iterations().at("Checkout");
  // Due in 1 s at 100/s: 100 and the one at t=0; the loop's timing gives or takes a few.
  CHECK(count.started >= 95);
  CHECK(count.started <= 103);
  CHECK(count.dropped == 0);
  CHECK(Checkout::started == count.started);
  // 100/s of 50 ms each needs about 5 at once: users are made as needed, not up to the cap.
  CHECK(Checkout::most_running >= 4);
  CHECK(Checkout::most_running <= 12);
  CHECK(Checkout::on_starts == Checkout::most_running);  // each user made once, then reused
  CHECK(runner.user_count() == 0);
}

TEST_CASE("an arrival rate never runs more than max_concurrency and counts what it drops") {
  Checkout::reset();
  UserClass open = UserClass::define<Checkout>("Checkout")
                       .task("buy", &Checkout::buy)
                       .arrival_rate({.rate = 200, .max_concurrency = 3});
  Environment env({open}, seeded());
  auto& runner = env.create_local_runner();
  runner.start(0, 1);
  runner.call_later(1s, [&] { runner.quit(); });
  runner.join();
  const auto& count = env.stats().iterations().at("Checkout");
  CHECK(Checkout::most_running == 3);
  // 3 users of 50 ms each start at most ~60 a second; the rest of the ~200 due are dropped.
  CHECK(count.started <= 70);
  CHECK(count.dropped >= 120);
  CHECK(count.started + count.dropped >= 190);
}

TEST_CASE("open-model and user-count classes run side by side") {
  Checkout::reset();
  JournalScope scope;
  UserClass open = UserClass::define<Checkout>("Checkout")
                       .task("buy", &Checkout::buy)
                       .arrival_rate({.rate = 50});
  UserClass closed =
      UserClass::define<Idle>("Idle").task("nothing", &Idle::nothing).wait_time(constant(0.1));
  Environment env({open, closed}, seeded());
  auto& runner = env.create_local_runner();
  runner.start(3, 100);
  test::run_until(env.io_context(), [&] {
    return runner.state() == RunnerState::kRunning && Checkout::started >= 10;
  });
  // The user count goes to the closed class only; the open one has what its schedule needs.
  CHECK(runner.user_classes_count().at("Idle") == 3);
  CHECK(runner.user_classes_count().at("Checkout") >= 1);
  runner.stop();
  test::run_until(env.io_context(), [&] { return runner.state() == RunnerState::kStopped; });
  const int started_at_stop = Checkout::started;
  runner.call_later(300ms, [&] { runner.quit(); });
  runner.join();
  CHECK(Checkout::started == started_at_stop);  // the schedule ended with the test
  CHECK(runner.user_count() == 0);
}

}  // namespace cicada

namespace cicada {
namespace {

/// Keeps its core busy: each task spins for 50 ms without yielding.
class Spinner : public User {
 public:
  using User::User;
  awaitable<void> spin() {
    const auto until = std::chrono::steady_clock::now() + 50ms;
    while (std::chrono::steady_clock::now() < until) {
    }
    co_return;
  }
};

}  // namespace

TEST_CASE("usage_monitor samples CPU and memory; a saturated process warns once (cpu_warning)") {
  UserClass spinner =
      UserClass::define<Spinner>("Spinner").task("spin", &Spinner::spin).wait_time(constant(0));
  EnvironmentOptions options;
  options.usage_monitor_interval_seconds = 0.3;
  Environment env({spinner}, options);
  auto& runner = env.create_local_runner();
  int samples = 0;
  std::int64_t memory = 0;
  std::vector<double> warnings;
  env.events().usage_monitor.add_listener([&](Environment&, double cpu, std::int64_t rss) {
    CHECK(cpu >= 0);
    memory = rss;
    ++samples;
  });
  env.events().cpu_warning.add_listener([&](Environment&, double cpu) { warnings.push_back(cpu); });
  runner.start(1, 1);
  // Sampling keeps going until one window shows the spinning core (a busy
  // machine may hold the process back for a while).
  test::run_until(env.io_context(), [&] { return !warnings.empty() && samples >= 3; });
  CHECK(warnings.size() == 1);
  CHECK(warnings.front() > 90);
  CHECK(memory > 1'000'000);
  const int samples_then = samples;
  test::run_until(env.io_context(), [&] { return samples >= samples_then + 2; });
  CHECK(warnings.size() == 1);  // once per process, as Locust
  runner.quit();
  test::run_until(env.io_context(), [&] { return env.io_context().stopped(); });
}

TEST_CASE("reset_stats fires when --reset-stats resets the statistics after the ramp") {
  UserClass idle = idle_class();
  EnvironmentOptions options = seeded();
  options.reset_stats = true;
  Environment env({idle}, options);
  auto& runner = env.create_local_runner();
  std::vector<std::string> order;
  env.events().reset_stats.add_listener([&] { order.push_back("reset_stats"); });
  env.events().spawning_complete.add_listener(
      [&](std::int64_t) { order.push_back("spawning_complete"); });
  runner.start(2, 100);
  test::run_until(env.io_context(), [&] { return order.size() == 2; });
  CHECK(order == std::vector<std::string>{"reset_stats", "spawning_complete"});
  env.reset_stats();
  CHECK(order.size() == 3);
  runner.quit();
  test::run_until(env.io_context(), [&] { return env.io_context().stopped(); });
}

}  // namespace cicada

namespace cicada {
namespace {

class Quitter : public User {
 public:
  using User::User;
  awaitable<void> work() {
    if (++runs_ == 3) throw StopTest();
    co_return;
  }
  awaitable<void> on_stop() override {
    stopped = true;
    co_return;
  }
  inline static bool stopped = false;

 private:
  int runs_ = 0;
};

}  // namespace

TEST_CASE("StopTest stops the user (on_stop runs) and then the whole local run") {
  UserClass quitter =
      UserClass::define<Quitter>("Quitter").task("work", &Quitter::work).wait_time(constant(0.01));
  UserClass idle = idle_class();
  Environment env({quitter, idle}, seeded());
  auto& runner = env.create_local_runner();
  Quitter::stopped = false;
  runner.spawn_users({{"Quitter", 1}, {"Idle", 3}});
  test::run_until(env.io_context(), [&] { return env.io_context().stopped(); });
  CHECK(Quitter::stopped);
  CHECK(runner.user_count() == 0);
}

TEST_CASE("stop_users stops that many users of a class, newest first") {
  UserClass idle = idle_class();
  Environment env({idle}, seeded());
  auto& runner = env.create_local_runner();
  auto users = runner.spawn_users({{"Idle", 4}});
  test::run_until(env.io_context(), [&] { return runner.user_count() == 4; });
  runner.stop_users({{"Idle", 3}});
  test::run_until(env.io_context(), [&] { return runner.user_count() == 1; });
  CHECK(runner.users().front() == users.front());  // the oldest stays
  CHECK_THROWS_AS(runner.stop_users({{"Nobody", 1}}), std::invalid_argument);
  runner.quit();
  test::run_until(env.io_context(), [&] { return env.io_context().stopped(); });
}

}  // namespace cicada

namespace cicada {
namespace {

class Switcher : public User {
 public:
  using User::User;
  awaitable<void> first() {
    journal->note("first");
    co_return;
  }
  awaitable<void> second() {
    journal->note("second");
    co_return;
  }
};

}  // namespace

TEST_CASE("update_user_class moves running users to the chosen tasks; weights count next test") {
  JournalScope scope;
  UserClass switcher = UserClass::define<Switcher>("Switcher")
                           .task("first", &Switcher::first)
                           .task("second", &Switcher::second)
                           .wait_time(constant(0.002));
  UserClass idle = idle_class();
  Environment env({switcher, idle}, seeded());
  auto& runner = env.create_local_runner();
  runner.start(2, 100);
  test::run_until(env.io_context(), [&] {
    return scope.log.counts["first"] > 10 && scope.log.counts["second"] > 10;
  });

  env.update_user_class({.user_class_name = "Switcher", .tasks = {{"second"}}});
  const int first_before = scope.log.counts["first"];
  const int second_before = scope.log.counts["second"];
  test::run_until(env.io_context(),
                  [&] { return scope.log.counts["second"] > second_before + 50; });
  CHECK(scope.log.counts["first"] == first_before);  // the running user moved at its next pick
  CHECK(env.find_user_class("Switcher")->tasks().tasks.size() == 1);

  SUBCASE("a mistake changes nothing and says what it was") {
    CHECK_THROWS_WITH(env.update_user_class({.user_class_name = "Nobody", .weight = 2}),
                      "unknown user class 'Nobody'");
    CHECK_THROWS_WITH(env.update_user_class({.user_class_name = "Switcher", .tasks = {{"third"}}}),
                      "user class Switcher has no task 'third' (it has: first, second)");
    CHECK_THROWS_WITH(
        env.update_user_class({.user_class_name = "Switcher", .weight = -1, .tasks = {{"first"}}}),
        "user class Switcher: weight must be >= 0");
    env.update_user_class({.user_class_name = "Idle", .weight = 0});
    CHECK_THROWS_WITH(env.update_user_class({.user_class_name = "Switcher", .weight = 0}),
                      "There are no users with weight > 0.");
    CHECK(env.find_user_class("Switcher")->weight() == 1);
    CHECK(env.find_user_class("Switcher")->tasks().tasks.size() == 1);
    CHECK(env.find_user_class("Switcher")->tasks().tasks.front().name == "second");
  }

  SUBCASE("a new weight decides the next test's mix") {
    env.update_user_class({.user_class_name = "Idle", .weight = 3});
    runner.stop();
    test::run_until(env.io_context(), [&] { return runner.state() == RunnerState::kStopped; });
    runner.start(4, 100);
    test::run_until(env.io_context(), [&] { return runner.state() == RunnerState::kRunning; });
    CHECK(runner.user_classes_count() ==
          std::map<std::string, std::int64_t>{{"Idle", 3}, {"Switcher", 1}});
  }
  runner.quit();
  test::run_until(env.io_context(), [&] { return env.io_context().stopped(); });
}

}  // namespace cicada
