#pragma once

// The users dispatcher as it was before the arithmetic one: Locust's algorithm
// replayed user by user (one KL pick, one worker, one stack entry per user).
// Slow, but a direct transcription: tests check UsersDispatcher against it on
// ramps too large for the reference vectors.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cicada/runner/users_dispatcher.hpp"

namespace cicada::testing {

using cicada::DispatchUserClass;
using cicada::Distribution;
using cicada::UsersDispatcher;

/// Locust's UsersDispatcher (2.46.3 semantics), as a pure state machine:
/// spreads users over workers by weight and fixed_count, hosts interleaved,
/// in iterations of max(1, floor(rate)) users spaced rate-apart; removes
/// users last-in first-out; rebalances when workers join or leave.
///
/// It never sleeps: `next(now)` says what to send, or how long to wait before
/// asking again, so it is tested with a hand-moved clock. Not thread-safe.
class ReplayUsersDispatcher {
 public:
  /// What `next` asks the caller to do.
  using Step = UsersDispatcher::Step;

  /// `worker_ids`: the node ids ("<host>_<id>"); the text before the first `_`
  /// is the host used to interleave. `classes`: every user class, any order.
  ReplayUsersDispatcher(std::vector<std::string> worker_ids,
                        std::vector<DispatchUserClass> classes);

  /// Starts a ramp to `target_user_count` at `spawn_rate` users/s. `user_classes`
  /// restricts the classes spawned from now on (names; empty = unchanged).
  void new_dispatch(std::int64_t target_user_count, double spawn_rate,
                    const std::optional<std::vector<std::string>>& user_classes = std::nullopt);

  /// The next step of the ramp at time `now_seconds` (any monotonic clock).
  Step next(double now_seconds);

  void add_worker(const std::string& worker_id);
  void remove_worker(const std::string& worker_id);

  bool dispatch_in_progress() const { return dispatch_in_progress_; }
  std::int64_t current_user_count() const { return current_user_count_; }
  std::int64_t target_user_count() const { return target_user_count_; }
  /// Seconds between iterations: max(1, floor(rate)) / rate.
  double wait_between_dispatch_seconds() const { return wait_between_dispatch_; }
  /// The distribution the last step produced (or the current one).
  Distribution current_distribution() const;

 private:
  enum class Phase { kIdle, kStart, kLoopTop, kAfterIteration, kAfterRebalanceCheck };

  struct UserGenerator {
    // Locust's _kl_generator state for the weighted classes: (n picks, class index).
    std::vector<std::pair<double, std::size_t>> weighted;  // (weight, class index)
    std::vector<std::int64_t> weighted_picks;
    std::deque<std::size_t> fixed_queue;
  };

  std::optional<std::size_t> next_class(UserGenerator& generator);
  void reset_generator(UserGenerator& generator) const;
  void sort_workers();
  void add_users();
  void remove_users();
  void prepare_rebalance();
  std::int64_t class_count(std::size_t class_index) const;
  Step dispatch_step() const;

  std::vector<DispatchUserClass> classes_;  // sorted by name ("original" classes)
  std::vector<bool> class_enabled_;         // the classes the generator may pick
  std::vector<std::string> workers_;        // in dispatch order
  std::unordered_map<std::string, std::vector<std::int64_t>> users_on_workers_;
  std::size_t worker_cursor_ = 0;
  std::vector<std::pair<std::string, std::size_t>> active_users_;  // (worker, class) stack
  UserGenerator generator_;
  bool try_dispatch_fixed_ = true;
  bool no_user_to_spawn_ = false;
  bool rebalance_ = false;
  bool dispatch_in_progress_ = false;
  std::int64_t target_user_count_ = 0;
  std::int64_t current_user_count_ = 0;
  std::int64_t users_per_iteration_ = 1;
  double wait_between_dispatch_ = 0;
  Phase phase_ = Phase::kIdle;
  bool add_loop_done_ = false;
  double iteration_started_ = 0;
};

}  // namespace cicada::testing
