#include "arrival_executor.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "cicada/core/clock.hpp"
#include "cicada/core/spawn.hpp"
#include "cicada/core/timer_wait.hpp"
#include "cicada/stats/request_stats.hpp"

namespace cicada {
namespace {

// The schedule looks again at least this often, so a ramping rate is followed
// closely and a re-share takes effect soon.
constexpr double kLongestSleepSeconds = 0.05;

}  // namespace

ArrivalExecutor::ArrivalExecutor(UserPool& pool, std::size_t class_index, std::string class_name,
                                 ArrivalRate rate, stats::RequestStats& stats,
                                 asio::io_context& io)
    : pool_(pool),
      class_index_(class_index),
      class_name_(std::move(class_name)),
      rate_(std::move(rate)),
      stats_(stats),
      timer_(io) {}

void ArrivalExecutor::run(double elapsed_seconds, ArrivalShare share) {
  const std::int64_t count = std::max<std::int64_t>(1, share.count);
  fraction_ = 1.0 / static_cast<double>(count);
  // The cap splits like users do: the first `cap % count` processes take one more.
  const std::int64_t cap = rate_.max_concurrency;
  cap_ = std::max<std::int64_t>(1, cap / count + (share.index < cap % count ? 1 : 0));
  if (running_) return;
  running_ = true;
  start_steady_ = steady_seconds() - std::max(0.0, elapsed_seconds);
  scheduled_until_ = std::max(0.0, elapsed_seconds);
  credit_ = 1;  // the first iteration starts at once
  peak_concurrency_ = 0;
  dropped_ = 0;
  spdlog::info("{}: iterations at {} ({}% of it here, at most {} at once)", class_name_,
               rate_.describe(), 100 * fraction_, cap_);
  spawn_logged(timer_.get_executor(), run_schedule(shared_from_this(), ++generation_),
               "arrival schedule of " + class_name_);
}

void ArrivalExecutor::stop() {
  if (!running_) return;
  running_ = false;
  ++generation_;
  timer_.cancel();
  idle_.clear();  // the pool stops them; none may be handed an iteration now
  if (dropped_ > 0) {
    spdlog::warn("{}: {} iterations dropped: no user free to start them (max_concurrency {})",
                 class_name_, dropped_, rate_.max_concurrency);
  }
}

awaitable<void> ArrivalExecutor::run_schedule(std::shared_ptr<ArrivalExecutor> executor,
                                              std::uint64_t generation) {
  while (generation == executor->generation_) {
    const double sleep_seconds = executor->start_due_iterations();
    co_await wait_for(executor->timer_, std::chrono::duration<double>(sleep_seconds));
  }
}

double ArrivalExecutor::start_due_iterations() {
  // The schedule is the integral of the rate: whatever the loop's lateness,
  // exactly the iterations due by now have been started (or dropped).
  const double now = steady_seconds() - start_steady_;
  credit_ += (rate_.iterations_by(now) - rate_.iterations_by(scheduled_until_)) * fraction_;
  scheduled_until_ = now;
  while (credit_ >= 1 && running_) {
    credit_ -= 1;
    start_iteration();
  }
  const double rate_here = rate_.rate_at(now) * fraction_;
  if (!(rate_here > 0)) return kLongestSleepSeconds;
  return std::min(kLongestSleepSeconds, (1 - credit_) / rate_here);
}

void ArrivalExecutor::start_iteration() {
  if (!idle_.empty()) {
    // The most recently parked user: its connection is the likeliest still open.
    User* user = idle_.back();
    idle_.pop_back();
    user->begin_iteration();
  } else if (alive_ < cap_) {
    ++alive_;
    pool_.spawn(class_index_, this);
  } else {
    stats_.log_iteration(class_name_, false);
    note_dropped();
    return;
  }
  stats_.log_iteration(class_name_, true);
  peak_concurrency_ = std::max(peak_concurrency_, alive_ - static_cast<std::int64_t>(idle_.size()));
}

void ArrivalExecutor::note_dropped() {
  // Said once, then every 1000th time: a saturated schedule drops many per second.
  if (++dropped_ % 1000 != 1) return;
  spdlog::warn(
      "{}: an iteration was due while all {} users this process may run were busy: dropped ({} "
      "so far). Raise max_concurrency, or expect fewer iterations than the rate",
      class_name_, cap_, dropped_);
}

void ArrivalExecutor::user_idle(User& user) {
  if (running_) idle_.push_back(&user);
}

void ArrivalExecutor::user_gone(User& user) {
  --alive_;
  std::erase(idle_, &user);
}

}  // namespace cicada
