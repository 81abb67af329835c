#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "cicada/core/asio.hpp"
#include "cicada/model/arrival_rate.hpp"
#include "cicada/model/user.hpp"
#include "cicada/runner/user_pool.hpp"

namespace cicada::stats {
class RequestStats;
}

namespace cicada {

/// Runs one open-model class's arrival schedule in this process: starts each
/// iteration when it is due, on a parked user of the class or on a new one
/// (while fewer than this process's cap exist), and counts the iterations it
/// had to drop. The users themselves live in the pool, which stops them.
/// Runs on the pool's loop.
/// Shared with its schedule's coroutine, which may wake after the pool let go.
class ArrivalExecutor final : public IterationSource,
                              public std::enable_shared_from_this<ArrivalExecutor> {
 public:
  ArrivalExecutor(UserPool& pool, std::size_t class_index, std::string class_name,
                  ArrivalRate rate, stats::RequestStats& stats, asio::io_context& io);
  ArrivalExecutor(const ArrivalExecutor&) = delete;
  ArrivalExecutor& operator=(const ArrivalExecutor&) = delete;

  /// Starts the schedule `elapsed_seconds` into the test, or, when running,
  /// changes this process's share of it.
  void run(double elapsed_seconds, ArrivalShare share);
  /// No more iterations start (the pool stops the users).
  void stop();
  bool running() const { return running_; }

  void user_idle(User& user) override;
  /// A user of this class ended (stopped, or its task loop failed).
  void user_gone(User& user);

  /// The most iterations that ran at once in this process since the test started.
  std::int64_t peak_concurrency() const { return peak_concurrency_; }

 private:
  static awaitable<void> run_schedule(std::shared_ptr<ArrivalExecutor> executor,
                                      std::uint64_t generation);
  /// Starts every iteration due by now; returns the seconds until the next one.
  double start_due_iterations();
  void start_iteration();
  void note_dropped();

  UserPool& pool_;
  std::size_t class_index_;
  std::string class_name_;
  ArrivalRate rate_;
  stats::RequestStats& stats_;
  asio::steady_timer timer_;
  bool running_ = false;
  std::uint64_t generation_ = 0;
  double start_steady_ = 0;     ///< steady_seconds() when the test's schedule began
  double scheduled_until_ = 0;  ///< seconds into the schedule already accounted for
  double fraction_ = 1;         ///< this process's share of the rate
  std::int64_t cap_ = 1;        ///< users this process may have for the class
  double credit_ = 0;           ///< iterations due and not started yet (fractional)
  std::vector<User*> idle_;
  std::int64_t alive_ = 0;
  std::int64_t peak_concurrency_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace cicada
