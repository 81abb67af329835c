#include "cicada/model/load_shape.hpp"

#include <doctest/doctest.h>

#include <deque>

#include "cicada/runner/environment.hpp"
#include "cicada/runner/local_runner.hpp"
#include "support/loop.hpp"

namespace cicada {
namespace {

class Idle : public User {
 public:
  using User::User;
  awaitable<void> nothing() { co_return; }
};

UserClass idle_class(const std::string& name) {
  return UserClass::define<Idle>(name).task("nothing", &Idle::nothing).wait_time(constant(0.05));
}

/// Answers from a script, one per tick() call, whatever the time.
class ScriptedShape : public LoadTestShape {
 public:
  explicit ScriptedShape(std::deque<std::optional<ShapeTick>> answers)
      : answers_(std::move(answers)) {}
  std::optional<ShapeTick> tick() override {
    ++calls;
    if (answers_.empty()) return std::nullopt;
    auto answer = answers_.front();
    answers_.pop_front();
    return answer;
  }
  int calls = 0;

 private:
  std::deque<std::optional<ShapeTick>> answers_;
};

}  // namespace

TEST_CASE("stages shape: each stage holds until its end time, then the test ends") {
  const StagesShape shape({{10, 5, 2, std::nullopt},
                           {25, 20, 5, std::vector<std::string>{"A"}},
                           {30, 0, 10, std::nullopt}});
  CHECK(shape.tick_at(0) == ShapeTick{5, 2, std::nullopt});
  CHECK(shape.tick_at(9.99) == ShapeTick{5, 2, std::nullopt});
  CHECK(shape.tick_at(10) == ShapeTick{20, 5, std::vector<std::string>{"A"}});
  CHECK(shape.tick_at(29.5) == ShapeTick{0, 10, std::nullopt});
  CHECK_FALSE(shape.tick_at(30).has_value());
}

TEST_CASE("stages shape: end times that do not grow, or bad users and rates, are refused") {
  CHECK_THROWS_WITH_AS(StagesShape({{60, 5, 1, std::nullopt}, {30, 5, 1, std::nullopt}}),
                       "stage 2 ends at 30 s, not after stage 1 (60 s): a stage's duration is "
                       "when it ends, counted from the start of the test",
                       std::invalid_argument);
  CHECK_THROWS_AS(StagesShape({}), std::invalid_argument);
  CHECK_THROWS_AS(StagesShape({{10, -1, 1, std::nullopt}}), std::invalid_argument);
  CHECK_THROWS_AS(StagesShape({{10, 1, 0, std::nullopt}}), std::invalid_argument);
}

TEST_CASE("a load shape drives the local runner: new answers re-target, none stops the test") {
  Environment env({idle_class("A"), idle_class("B")});
  auto shape = std::make_shared<ScriptedShape>(std::deque<std::optional<ShapeTick>>{
      ShapeTick{4, 100, std::nullopt},
      ShapeTick{4, 100, std::nullopt},  // unchanged: no new ramp
      ShapeTick{6, 100, std::vector<std::string>{"A"}},
      std::nullopt,
  });
  env.set_shape(shape);
  auto& runner = env.create_local_runner();
  std::vector<std::int64_t> ramps;
  env.events().spawning_complete.add_listener([&](std::int64_t users) { ramps.push_back(users); });

  runner.start_shape();
  CHECK(runner.shape_running());
  CHECK(shape->runner() == &runner);
  test::run_until(env.io_context(), [&] { return runner.user_count() == 4; });
  // Only A is spawned from now on (as Locust's user_classes: B's users stay).
  test::run_until(env.io_context(), [&] {
    return runner.user_classes_count() == std::map<std::string, std::int64_t>{{"A", 4}, {"B", 2}};
  });
  test::run_until(env.io_context(), [&] { return runner.state() == RunnerState::kStopped; });
  CHECK_FALSE(runner.shape_running());
  CHECK(shape->calls == 4);
  CHECK(ramps == std::vector<std::int64_t>{4, 6});
  runner.quit();
  runner.join();
}

TEST_CASE("a load shape that ends a headless run quits it, and stop() ends the shape") {
  Environment env({idle_class("A")});
  SUBCASE("quit at the end") {
    env.set_shape(std::make_shared<ScriptedShape>(
        std::deque<std::optional<ShapeTick>>{ShapeTick{2, 100, std::nullopt}, std::nullopt}));
    auto& runner = env.create_local_runner();
    runner.start_shape(true);
    runner.join();  // returns because the shape's end quit the runner
    CHECK(runner.user_count() == 0);
  }
  SUBCASE("stopped by hand") {
    auto shape = std::make_shared<ScriptedShape>(std::deque<std::optional<ShapeTick>>{
        ShapeTick{2, 100, std::nullopt}, ShapeTick{5, 100, std::nullopt}});
    env.set_shape(shape);
    auto& runner = env.create_local_runner();
    runner.start_shape();
    test::run_until(env.io_context(), [&] { return runner.user_count() == 2; });
    runner.stop();
    test::run_until(env.io_context(), [&] { return runner.state() == RunnerState::kStopped; });
    CHECK_FALSE(runner.shape_running());
    const int calls = shape->calls;
    // The once-a-second poll goes on, but asks the stopped shape nothing.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    test::run_until(env.io_context(), [&] { return std::chrono::steady_clock::now() > until; });
    CHECK(shape->calls == calls);
    CHECK(runner.user_count() == 0);
    runner.quit();
    runner.join();
  }
}

TEST_CASE("start_shape without a shape is a programming error") {
  Environment env({idle_class("A")});
  auto& runner = env.create_local_runner();
  CHECK_THROWS_AS(runner.start_shape(), std::logic_error);
  CHECK_THROWS_WITH_AS(runner.start(1, 1, std::vector<std::string>{"Nope"}),
                       "unknown user class 'Nope'", std::invalid_argument);
}

}  // namespace cicada
