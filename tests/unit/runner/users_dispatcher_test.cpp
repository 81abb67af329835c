#include "cicada/runner/users_dispatcher.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <sstream>

#include "support/replay_users_dispatcher.hpp"

// Vectors from the wire reference §9.2, produced by Locust's own dispatcher.

namespace cicada {
namespace {

std::vector<DispatchUserClass> weighted(std::initializer_list<double> weights) {
  std::vector<DispatchUserClass> classes;
  int i = 1;
  for (double w : weights) classes.push_back({"User" + std::to_string(i++), w, 0});
  return classes;
}

/// "1 [0,0,1] 2 [0,1,0]": every worker in id order with its counts.
std::string show(const Distribution& d) {
  std::vector<std::size_t> order(d.worker_ids.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return d.worker_ids[a] < d.worker_ids[b]; });
  std::ostringstream out;
  for (std::size_t i : order) {
    if (out.tellp() > 0) out << ' ';
    out << d.worker_ids[i] << " [";
    for (std::size_t c = 0; c < d.counts[i].size(); ++c) out << (c ? "," : "") << d.counts[i][c];
    out << ']';
  }
  return out.str();
}

struct Ramp {
  std::vector<std::string> iterations;
  std::vector<double> times;
};

/// Runs a whole ramp, moving a fake clock through the dispatcher's waits.
Ramp run(UsersDispatcher& dispatcher, double& now, std::size_t max_steps = 10'000) {
  Ramp ramp;
  for (std::size_t i = 0; i < max_steps; ++i) {
    auto step = dispatcher.next(now);
    if (step.kind == UsersDispatcher::Step::Kind::kDone) return ramp;
    if (step.kind == UsersDispatcher::Step::Kind::kWait) {
      now += step.wait_seconds;
      continue;
    }
    ramp.iterations.push_back(show(step.distribution));
    ramp.times.push_back(now);
  }
  FAIL("the ramp did not end");
  return ramp;
}

std::string final_of(std::vector<std::string> workers, std::vector<DispatchUserClass> classes,
                     std::int64_t target) {
  UsersDispatcher dispatcher(std::move(workers), std::move(classes));
  dispatcher.new_dispatch(target, static_cast<double>(target));
  double now = 0;
  auto ramp = run(dispatcher, now);
  REQUIRE(ramp.iterations.size() == 1);
  return ramp.iterations.back();
}

}  // namespace

TEST_CASE("weights 1:2:3 on 3 workers give Locust's final distributions") {
  const std::vector<std::string> workers{"1", "2", "3"};
  const auto classes = weighted({1, 2, 3});
  CHECK(final_of(workers, classes, 1) == "1 [0,0,1] 2 [0,0,0] 3 [0,0,0]");
  CHECK(final_of(workers, classes, 3) == "1 [0,0,1] 2 [0,1,0] 3 [1,0,0]");
  CHECK(final_of(workers, classes, 6) == "1 [0,0,2] 2 [0,2,0] 3 [1,0,1]");
  CHECK(final_of(workers, classes, 9) == "1 [0,0,3] 2 [0,3,0] 3 [2,0,1]");
  CHECK(final_of(workers, classes, 12) == "1 [0,0,4] 2 [0,4,0] 3 [2,0,2]");
}

TEST_CASE("a ramp at rate 2 moves 2 users a second, then LIFO back down") {
  UsersDispatcher dispatcher({"1", "2", "3"}, weighted({1, 2, 3}));
  double now = 100;
  dispatcher.new_dispatch(12, 2);
  auto ramp = run(dispatcher, now);
  REQUIRE(ramp.iterations.size() == 6);
  CHECK(ramp.iterations[0] == "1 [0,0,1] 2 [0,1,0] 3 [0,0,0]");
  CHECK(ramp.iterations[1] == "1 [0,0,2] 2 [0,1,0] 3 [1,0,0]");
  CHECK(ramp.iterations[3] == "1 [0,0,3] 2 [0,3,0] 3 [1,0,1]");
  CHECK(ramp.iterations[4] == "1 [0,0,4] 2 [0,3,0] 3 [2,0,1]");
  CHECK(ramp.iterations[5] == "1 [0,0,4] 2 [0,4,0] 3 [2,0,2]");
  for (std::size_t i = 0; i < ramp.times.size(); ++i) {
    CHECK(ramp.times[i] == doctest::Approx(100.0 + static_cast<double>(i)));
  }
  CHECK_FALSE(dispatcher.dispatch_in_progress());

  dispatcher.new_dispatch(5, 12);
  auto down = run(dispatcher, now);
  REQUIRE(down.iterations.size() == 1);
  CHECK(down.iterations[0] == "1 [0,0,2] 2 [0,2,0] 3 [1,0,0]");
}

TEST_CASE("spawn rate sets users per iteration and the wait between them") {
  UsersDispatcher dispatcher({"a"}, weighted({1}));
  struct Case {
    double rate;
    double wait;
  };
  for (auto [rate, wait] :
       {Case{0.5, 2}, Case{1, 1}, Case{2, 1}, Case{2.4, 2 / 2.4}, Case{4, 1}, Case{9, 1}}) {
    dispatcher.new_dispatch(0, rate);
    CHECK(dispatcher.wait_between_dispatch_seconds() == doctest::Approx(wait));
  }
}

TEST_CASE("hosts are interleaved before a host's second worker gets users") {
  UsersDispatcher dispatcher(
      {"hostname1_worker1", "hostname1_worker2", "hostname2_worker1", "hostname2_worker2"},
      weighted({1, 1, 1}));
  double now = 0;
  dispatcher.new_dispatch(6, 2);
  auto ramp = run(dispatcher, now);
  REQUIRE(ramp.iterations.size() == 3);
  CHECK(ramp.iterations[0] ==
        "hostname1_worker1 [1,0,0] hostname1_worker2 [0,0,0] hostname2_worker1 [0,1,0] "
        "hostname2_worker2 [0,0,0]");
  CHECK(ramp.iterations[1] ==
        "hostname1_worker1 [1,0,0] hostname1_worker2 [0,0,1] hostname2_worker1 [0,1,0] "
        "hostname2_worker2 [1,0,0]");
  CHECK(ramp.iterations[2] ==
        "hostname1_worker1 [1,1,0] hostname1_worker2 [0,0,1] hostname2_worker1 [0,1,1] "
        "hostname2_worker2 [1,0,0]");
}

TEST_CASE("fixed_count classes reach their counts first and again after a ramp down") {
  std::vector<DispatchUserClass> classes{{"User1", 1, 2}, {"User2", 1, 0}, {"User3", 3, 0}};
  UsersDispatcher dispatcher({"w"}, classes);
  double now = 0;
  dispatcher.new_dispatch(5, 1);
  auto up = run(dispatcher, now);
  CHECK(up.iterations ==
        std::vector<std::string>{"w [1,0,0]", "w [2,0,0]", "w [2,0,1]", "w [2,1,1]", "w [2,1,2]"});
  dispatcher.new_dispatch(2, 1);
  auto down = run(dispatcher, now);
  CHECK(down.iterations == std::vector<std::string>{"w [2,1,1]", "w [2,0,1]", "w [2,0,0]"});
  dispatcher.new_dispatch(7, 1);
  auto again = run(dispatcher, now);
  CHECK(again.iterations ==
        std::vector<std::string>{"w [2,0,1]", "w [2,0,2]", "w [2,1,2]", "w [2,1,3]", "w [2,1,4]"});

  SUBCASE("two workers") {
    std::vector<DispatchUserClass> mixed{{"User1", 1, 3}, {"User2", 1, 0}, {"User3", 2, 0}};
    CHECK(final_of({"a", "b"}, mixed, 3) == "a [2,0,0] b [1,0,0]");
    CHECK(final_of({"a", "b"}, mixed, 6) == "a [2,1,0] b [1,0,2]");
    CHECK(final_of({"a", "b"}, mixed, 9) == "a [2,1,2] b [1,1,2]");
  }
  SUBCASE("fixed before weighted at larger scale") {
    std::vector<DispatchUserClass> five{
        {"A", 1, 9}, {"B", 1, 1}, {"C", 5, 0}, {"D", 3, 0}, {"E", 2, 0}};
    CHECK(final_of({"w"}, five, 20) == "w [9,1,5,3,2]");
    CHECK(final_of({"w"}, {{"A", 1, 960}, {"B", 1, 0}, {"C", 1, 0}}, 1000) == "w [960,20,20]");
    CHECK(final_of({"w"}, {{"A", 1, 100}, {"B", 1, 0}, {"C", 1, 0}}, 100) == "w [100,0,0]");
  }
  SUBCASE("only fixed classes: the ramp stops at their sum") {
    UsersDispatcher only_fixed({"w"}, {{"A", 1, 10}, {"B", 1, 10}});
    double t = 0;
    only_fixed.new_dispatch(100, 100);
    auto ramp = run(only_fixed, t);
    CHECK(ramp.iterations.back() == "w [10,10]");
  }
}

TEST_CASE("the KL generator picks classes in Locust 2.46's order") {
  // With one worker and a large rate, the i-th user's class is visible as the
  // difference between consecutive single-user ramps.
  auto sequence = [](std::vector<DispatchUserClass> classes, int n) {
    UsersDispatcher dispatcher({"w"}, classes);
    std::string picks;
    double now = 0;
    std::vector<std::int64_t> previous(classes.size(), 0);
    std::sort(classes.begin(), classes.end(), [](auto& a, auto& b) { return a.name < b.name; });
    for (int i = 1; i <= n; ++i) {
      dispatcher.new_dispatch(i, 1000);
      const auto step = dispatcher.next(now);
      while (dispatcher.next(now).kind != UsersDispatcher::Step::Kind::kDone) {
      }
      const auto& counts = step.distribution.counts[0];
      for (std::size_t c = 0; c < counts.size(); ++c) {
        if (counts[c] != previous[c]) picks += classes[c].name;
      }
      previous = counts;
    }
    return picks;
  };
  CHECK(sequence({{"A", 1, 0}, {"B", 2, 0}, {"C", 3, 0}}, 12) == "CBACBCCBACBC");
  CHECK(sequence({{"A", 5, 0}, {"B", 1, 0}}, 12) == "AABAAAAABAAA");
  CHECK(sequence({{"A", 2, 0}, {"B", 5, 0}, {"C", 6, 0}}, 13) == "CBACBCBCBACBC");
  CHECK(sequence({{"A", 0.8, 0}, {"B", 1, 0}}, 9) == "BABABABAB");
  CHECK(sequence({{"A", 1, 0}, {"B", 3, 0}, {"C", 5, 0}, {"D", 7, 0}, {"E", 9, 0}}, 25) ==
        "EDCBEDECDEABCDEEDCEDBECDE");
}

TEST_CASE("removing or adding a worker mid-ramp rebalances at once") {
  SUBCASE("remove") {
    UsersDispatcher dispatcher({"1", "2", "3"}, weighted({1, 1, 1}));
    double now = 0;
    dispatcher.new_dispatch(9, 3);
    CHECK(show(dispatcher.next(now).distribution) == "1 [1,0,0] 2 [0,1,0] 3 [0,0,1]");
    now += 1;
    auto step = dispatcher.next(now);
    CHECK(show(step.distribution) == "1 [2,0,0] 2 [0,2,0] 3 [0,0,2]");
    dispatcher.remove_worker("2");
    const double removed_at = now;
    step = dispatcher.next(now);
    REQUIRE(step.kind == UsersDispatcher::Step::Kind::kDispatch);
    CHECK(now == removed_at);
    CHECK(show(step.distribution) == "1 [1,1,1] 3 [1,1,1]");
    auto rest = run(dispatcher, now);
    REQUIRE_FALSE(rest.iterations.empty());
    CHECK(rest.iterations[0] == "1 [2,1,2] 3 [1,2,1]");
  }
  SUBCASE("add") {
    UsersDispatcher dispatcher({"hostname1_worker1", "hostname2_worker1"}, weighted({1, 1, 1}));
    double now = 0;
    dispatcher.new_dispatch(11, 3);
    CHECK(show(dispatcher.next(now).distribution) ==
          "hostname1_worker1 [1,0,1] hostname2_worker1 [0,1,0]");
    now += 1;
    CHECK(show(dispatcher.next(now).distribution) ==
          "hostname1_worker1 [1,1,1] hostname2_worker1 [1,1,1]");
    dispatcher.add_worker("hostname1_worker2");
    auto step = dispatcher.next(now);
    CHECK(show(step.distribution) ==
          "hostname1_worker1 [2,0,0] hostname1_worker2 [0,0,2] hostname2_worker1 [0,2,0]");
    auto rest = run(dispatcher, now);
    REQUIRE(rest.iterations.size() == 2);
    CHECK(rest.iterations[0] ==
          "hostname1_worker1 [3,0,0] hostname1_worker2 [0,0,3] hostname2_worker1 [0,3,0]");
    CHECK(rest.iterations[1] ==
          "hostname1_worker1 [4,0,0] hostname1_worker2 [0,0,3] hostname2_worker1 [0,4,0]");
  }
  SUBCASE("removing the only worker does not rebalance") {
    UsersDispatcher dispatcher({"1"}, weighted({1}));
    double now = 0;
    dispatcher.new_dispatch(3, 1);
    dispatcher.next(now);
    dispatcher.remove_worker("1");
    // No immediate rebalance iteration: the dispatcher just keeps its pacing.
    CHECK(dispatcher.next(now).kind == UsersDispatcher::Step::Kind::kWait);
  }
}

TEST_CASE("ramp down 9 to 0 at rate 2 removes the newest users first") {
  UsersDispatcher dispatcher({"1", "2", "3"}, weighted({1, 1, 1}));
  double now = 0;
  dispatcher.new_dispatch(9, 9);
  run(dispatcher, now);
  dispatcher.new_dispatch(0, 2);
  auto down = run(dispatcher, now);
  CHECK(down.iterations ==
        std::vector<std::string>{"1 [3,0,0] 2 [0,2,0] 3 [0,0,2]", "1 [2,0,0] 2 [0,2,0] 3 [0,0,1]",
                                 "1 [1,0,0] 2 [0,1,0] 3 [0,0,1]", "1 [1,0,0] 2 [0,0,0] 3 [0,0,0]",
                                 "1 [0,0,0] 2 [0,0,0] 3 [0,0,0]"});
}

TEST_CASE("4 workers, weights 1:2, 0 to 20 at rate 5") {
  UsersDispatcher dispatcher({"1", "2", "3", "4"}, weighted({1, 2}));
  double now = 0;
  dispatcher.new_dispatch(20, 5);
  auto ramp = run(dispatcher, now);
  REQUIRE(ramp.iterations.size() == 4);
  CHECK(ramp.iterations[0] == "1 [1,1] 2 [1,0] 3 [0,1] 4 [0,1]");
  CHECK(ramp.iterations[1] == "1 [1,2] 2 [1,2] 3 [0,2] 4 [1,1]");
  CHECK(ramp.iterations[2] == "1 [1,3] 2 [2,2] 3 [1,3] 4 [1,2]");
  CHECK(ramp.iterations[3] == "1 [2,3] 2 [2,3] 3 [1,4] 4 [2,3]");
}

TEST_CASE("scaling all weights by a constant changes nothing") {
  auto iterations = [](double scale) {
    UsersDispatcher dispatcher({"1", "2", "3"}, weighted({1 * scale, 2 * scale, 3 * scale}));
    double now = 0;
    dispatcher.new_dispatch(9, 0.5);
    return run(dispatcher, now).iterations;
  };
  const auto reference = iterations(1);
  for (double scale : {10.0, 2.5, 0.3, 1.0 / 23, 2.718281828459045, 3.141592653589793}) {
    CHECK(iterations(scale) == reference);
  }
}

}  // namespace cicada

namespace cicada {
namespace {

struct Both {
  UsersDispatcher fast;
  testing::ReplayUsersDispatcher replay;
};

/// Steps both dispatchers in lockstep and checks every step matches; returns
/// false (after failing a check) at the first difference.
bool same_steps(Both& both, double& now, std::mt19937_64& random, std::size_t max_steps,
                const std::vector<std::string>& spare_workers, std::vector<std::string>& joined) {
  for (std::size_t i = 0; i < max_steps; ++i) {
    // Now and then a worker joins or leaves in the middle of a ramp.
    if (random() % 9 == 0) {
      if (random() % 2 == 0 && joined.size() < spare_workers.size()) {
        const auto& id = spare_workers[joined.size()];
        both.fast.add_worker(id);
        both.replay.add_worker(id);
        joined.push_back(id);
      } else if (!joined.empty()) {
        both.fast.remove_worker(joined.back());
        both.replay.remove_worker(joined.back());
        joined.pop_back();
      }
    }
    const auto fast = both.fast.next(now);
    const auto replay = both.replay.next(now);
    REQUIRE(fast.kind == replay.kind);
    if (fast.kind == UsersDispatcher::Step::Kind::kDone) return true;
    if (fast.kind == UsersDispatcher::Step::Kind::kWait) {
      CHECK(fast.wait_seconds == doctest::Approx(replay.wait_seconds));
      now += fast.wait_seconds;
      continue;
    }
    const auto shown = show(fast.distribution);
    const auto expected = show(replay.distribution);
    CHECK(shown == expected);
    if (shown != expected) return false;
    CHECK(both.fast.current_user_count() == both.replay.current_user_count());
  }
  return true;
}

}  // namespace

TEST_CASE("the arithmetic dispatcher matches a user-by-user replay of Locust's algorithm") {
  std::mt19937_64 random(4242);
  for (int round = 0; round < 150; ++round) {
    std::vector<std::string> workers;
    const auto worker_count = 1 + random() % 12;
    for (std::size_t w = 0; w < worker_count; ++w) {
      workers.push_back("host" + std::to_string(random() % 3) + "_w" + std::to_string(w));
    }
    std::vector<std::string> spare;
    for (int w = 0; w < 4; ++w)
      spare.push_back("late" + std::to_string(round) + "_" + std::to_string(w));
    std::vector<DispatchUserClass> classes;
    const auto class_count = 1 + random() % 6;
    for (std::size_t c = 0; c < class_count; ++c) {
      DispatchUserClass user_class{"C" + std::to_string(random() % 100) + "_" + std::to_string(c),
                                   static_cast<double>(1 + random() % 7), 0};
      if (random() % 5 == 0) user_class.weight = 0.25 + static_cast<double>(random() % 100) / 37;
      if (random() % 6 == 0) user_class.fixed_count = static_cast<std::int64_t>(random() % 40);
      classes.push_back(user_class);
    }
    INFO("round " << round);
    Both both{UsersDispatcher(workers, classes), testing::ReplayUsersDispatcher(workers, classes)};
    std::vector<std::string> joined;
    double now = 0;
    for (int ramp = 0; ramp < 5; ++ramp) {
      const auto target = static_cast<std::int64_t>(random() % 3000);
      const double rate = static_cast<double>(1 + random() % 700) / (random() % 3 == 0 ? 7.0 : 1.0);
      std::optional<std::vector<std::string>> only;
      if (random() % 5 == 0) {
        only.emplace();
        for (const auto& user_class : classes) {
          if (random() % 2 == 0) only->push_back(user_class.name);
        }
        if (only->empty()) only->push_back(classes.front().name);
      }
      both.fast.new_dispatch(target, rate, only);
      both.replay.new_dispatch(target, rate, only);
      if (!same_steps(both, now, random, 20'000, spare, joined)) break;
    }
  }
}

}  // namespace cicada
