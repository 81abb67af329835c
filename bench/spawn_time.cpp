// Time to N running users: starts N plain users (an empty task, then a wait of
// an hour, no connections) at spawn rate R through the public runner API and
// prints how long until the runner reports them all running.
//
//   spawn_time [users] [spawn-rate]     (defaults: 100000 100000)
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "cicada/runner/environment.hpp"
#include "cicada/runner/local_runner.hpp"
#include "idle_user.hpp"

int main(int argc, char** argv) {
  const long users = argc > 1 ? std::atol(argv[1]) : 100'000;
  const double rate = argc > 2 ? std::atof(argv[2]) : 100'000.0;
  cicada::Environment env{{cicada::bench::idle_user_class()}};
  auto& runner = env.create_local_runner();
  const auto started = std::chrono::steady_clock::now();
  runner.start(users, rate);
  while (runner.state() != cicada::RunnerState::kRunning || runner.user_count() < users) {
    env.io_context().run_one();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("users=%ld spawn_rate=%g seconds=%.4f\n", users, rate, seconds);
  runner.quit();
  runner.join();
  return 0;
}
