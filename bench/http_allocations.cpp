// Heap allocations per request on the HTTP path, counted, not guessed: runs a
// YAML scenario's users against a live target for a warm-up, then counts
// every operator new on the load loop's thread over a measured window and
// divides by the requests recorded in that window.
//
//   http_allocations SCENARIO HOST USERS [WARMUP_S] [MEASURE_S]
//
// SCENARIO is a YAML file, or `api:PATH` for a C++ user whose one task is
// `co_await client().get(PATH)`: the convenient API, on the same path.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "cicada/http/http_user.hpp"
#include "cicada/model/user_class.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/runner/local_runner.hpp"
#include "cicada/scenario/scenario.hpp"

namespace {
// Counted only while `counting` is set, and only on the thread that set it:
// Asio's resolver thread and the process's start-up are not the request path.
thread_local bool counting = false;
std::atomic<std::uint64_t> allocations{0};

std::string api_path;  // the path the C++ user gets (api:PATH)

class ApiGetter : public cicada::HttpUser {
 public:
  using HttpUser::HttpUser;
  cicada::awaitable<void> get() { co_await client().get(api_path); }
};

std::vector<cicada::UserClass> user_classes_of(const std::string& scenario) {
  if (scenario.starts_with("api:")) {
    api_path = scenario.substr(4);
    return {cicada::UserClass::define<ApiGetter>("ApiGetter")
                .wait_time(cicada::constant(0))
                .task("get", &ApiGetter::get)};
  }
  return cicada::scenario::load_scenario(scenario).user_classes;
}
}  // namespace

void* operator new(std::size_t size) {
  if (counting) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* pointer = std::malloc(size == 0 ? 1 : size)) return pointer;
  throw std::bad_alloc();
}
void operator delete(void* pointer) noexcept {
  std::free(pointer);
}
void operator delete(void* pointer, std::size_t) noexcept {
  std::free(pointer);
}

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: http_allocations SCENARIO HOST USERS [WARMUP_S] [MEASURE_S]\n");
    return 2;
  }
  const std::string scenario_path = argv[1];
  const std::string host = argv[2];
  const long users = std::atol(argv[3]);
  const double warmup = argc > 4 ? std::atof(argv[4]) : 2.0;
  const double measure = argc > 5 ? std::atof(argv[5]) : 5.0;

  cicada::EnvironmentOptions options;
  options.host = host;
  cicada::Environment env{user_classes_of(scenario_path), options};
  auto& runner = env.create_local_runner();

  std::int64_t requests_before = 0;
  std::uint64_t allocations_before = 0;
  runner.call_later(std::chrono::duration<double>(warmup), [&] {
    requests_before = env.stats().total().num_requests();
    allocations_before = allocations.load();
    counting = true;
  });
  runner.call_later(std::chrono::duration<double>(warmup + measure), [&] {
    counting = false;
    const std::int64_t requests = env.stats().total().num_requests() - requests_before;
    const std::uint64_t counted = allocations.load() - allocations_before;
    std::printf("requests=%lld allocations=%llu allocations_per_request=%.3f failures=%lld\n",
                static_cast<long long>(requests), static_cast<unsigned long long>(counted),
                requests > 0 ? static_cast<double>(counted) / static_cast<double>(requests) : 0.0,
                static_cast<long long>(env.stats().total().num_failures()));
    runner.quit();
  });
  runner.start(users, static_cast<double>(users));
  runner.join();
  return 0;
}
