#include "cicada/core/spawn.hpp"

#include <atomic>
#include <exception>

#include <spdlog/spdlog.h>

#include "cicada/core/resumption.hpp"

namespace cicada {
namespace {

std::atomic<std::uint64_t> failures{0};

}  // namespace

std::uint64_t background_failures() {
  return failures.load();
}

void log_background_failure(std::string_view what, std::exception_ptr error) {
  ++failures;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", what, e.what());
  } catch (...) {
    spdlog::error("{} failed with an unknown exception", what);
  }
}

void start_unguarded(const asio::any_io_executor& executor, awaitable<void> body) {
  asio::post(executor, [body = std::move(body), executor]() mutable {
    AwaitingThread(std::move(body), executor).launch();
  });
}

void spawn_logged(asio::any_io_executor executor, awaitable<void> task, std::string what) {
  asio::co_spawn(std::move(executor), std::move(task),
                 [what = std::move(what)](std::exception_ptr error) {
                   if (error) log_background_failure(what, error);
                 });
}

}  // namespace cicada
