// dispatcher_bench: how long the users dispatcher takes to compute a ramp to
// USERS users over WORKERS workers and 10 classes in one iteration (spawn rate
// = USERS), and the rebalance after one worker leaves. Fresh dispatcher every
// run; prints the median, min and max of each in milliseconds.
//
//   dispatcher_bench [users] [workers] [runs] [weights: equal | 1-10]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cicada/runner/users_dispatcher.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void print(const char* what, std::vector<double> times) {
  std::sort(times.begin(), times.end());
  std::printf("%s median_ms=%.3f min_ms=%.3f max_ms=%.3f\n", what, times[times.size() / 2],
              times.front(), times.back());
}

}  // namespace

int main(int argc, char** argv) {
  const long users = argc > 1 ? std::atol(argv[1]) : 1'000'000;
  const int workers = argc > 2 ? std::atoi(argv[2]) : 1'000;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
  const std::string weights = argc > 4 ? argv[4] : "1-10";

  std::vector<std::string> ids;
  for (int i = 0; i < workers; ++i)
    ids.push_back("h" + std::to_string(i % 10) + "_w" + std::to_string(i));
  std::vector<cicada::DispatchUserClass> classes;
  for (int c = 0; c < 10; ++c) {
    classes.push_back({"User" + std::to_string(c), weights == "equal" ? 1.0 : c + 1.0, 0});
  }

  std::vector<double> ramps;
  std::vector<double> rebalances;
  std::int64_t checksum = 0;
  for (int run = 0; run < runs; ++run) {
    const auto ramp_start = Clock::now();
    cicada::UsersDispatcher dispatcher(ids, classes);
    dispatcher.new_dispatch(users, static_cast<double>(users));
    auto step = dispatcher.next(0);
    ramps.push_back(ms_since(ramp_start));
    checksum += step.distribution.total();

    const auto rebalance_start = Clock::now();
    dispatcher.remove_worker(ids[static_cast<std::size_t>(workers / 2)]);
    dispatcher.new_dispatch(users, static_cast<double>(users));
    step = dispatcher.next(0);
    rebalances.push_back(ms_since(rebalance_start));
    checksum += step.distribution.total();
  }
  if (checksum != 2L * runs * users) {
    std::fprintf(stderr, "dispatcher_bench: distributions do not add up (%lld)\n",
                 static_cast<long long>(checksum));
    return 1;
  }
  std::printf("users=%ld workers=%d classes=10 weights=%s runs=%d\n", users, workers,
              weights.c_str(), runs);
  print("ramp", ramps);
  print("rebalance", rebalances);
  return 0;
}
