// Memory per waiting user: spawns N users that run one empty task and then
// wait an hour, lets them all settle into their wait, and prints the
// resident-memory growth divided by N.
//
//   idle_users N
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "cicada/runner/environment.hpp"
#include "cicada/runner/local_runner.hpp"
#include "idle_user.hpp"

namespace {

long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      long kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(1 << 16, '\n');
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  const long users = argc > 1 ? std::atol(argv[1]) : 100'000;
  cicada::Environment env{{cicada::bench::idle_user_class()}};
  auto& runner = env.create_local_runner();
  const long before = resident_kib();
  runner.spawn_users({{"IdleUser", users}});
  // Each user runs its task once and parks in its wait: a few loop turns.
  for (int i = 0; i < 20; ++i) env.io_context().poll();
  const long after = resident_kib();
  std::printf("users=%ld rss_before_kib=%ld rss_after_kib=%ld bytes_per_user=%.0f\n", users, before,
              after, static_cast<double>(after - before) * 1024.0 / static_cast<double>(users));
  runner.quit();
  runner.join();
  return 0;
}
