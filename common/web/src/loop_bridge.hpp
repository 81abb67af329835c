#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "cicada/core/asio.hpp"

namespace cicada::web {

/// Thrown by LoopBridge::call when the load loop did not answer in time (it is
/// not running: before join(), after quit) or the bridge was closed.
struct LoopUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Runs a function on the load loop's thread and waits for its result on the
/// web server's thread. The statistics, runner and environment belong to the
/// loop; the web thread only ever sees the strings built there.
class LoopBridge {
 public:
  explicit LoopBridge(asio::io_context& loop) : loop_(loop), shared_(std::make_shared<Shared>()) {}

  template <typename F>
  std::invoke_result_t<F> call(F function,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    using Result = std::invoke_result_t<F>;
    struct Slot {
      std::optional<Result> result;
      std::exception_ptr error;
      bool done = false;
    };
    auto slot = std::make_shared<Slot>();
    asio::post(loop_, [shared = shared_, slot, function = std::move(function)]() mutable {
      {
        // Closed: the web UI is gone (it closes on the loop's thread, so not
        // while this runs); what the function would touch may be gone too.
        std::lock_guard lock(shared->mutex);
        if (shared->closed) return;
      }
      std::optional<Result> result;
      std::exception_ptr error;
      try {
        result.emplace(function());
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard lock(shared->mutex);
      slot->result = std::move(result);
      slot->error = error;
      slot->done = true;
      shared->answered.notify_all();
    });
    std::unique_lock lock(shared_->mutex);
    shared_->answered.wait_for(lock, timeout, [&] { return slot->done || shared_->closed; });
    if (!slot->done) {
      throw LoopUnavailable(shared_->closed ? "the server is stopping"
                                            : "the test's event loop did not answer (it is not "
                                              "running: not started yet, or quit)");
    }
    if (slot->error) std::rethrow_exception(slot->error);
    return std::move(*slot->result);
  }

  /// Wakes every waiting call (they throw LoopUnavailable); later calls throw at once.
  void close() {
    std::lock_guard lock(shared_->mutex);
    shared_->closed = true;
    shared_->answered.notify_all();
  }

 private:
  struct Shared {
    std::mutex mutex;
    std::condition_variable answered;
    bool closed = false;
  };
  asio::io_context& loop_;
  std::shared_ptr<Shared> shared_;
};

}  // namespace cicada::web
