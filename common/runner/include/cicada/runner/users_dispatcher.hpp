#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cicada {

namespace detail {
class KlSequence;
}

/// A user class as the dispatcher sees it.
struct DispatchUserClass {
  std::string name;
  double weight = 1;
  std::int64_t fixed_count = 0;  ///< > 0: exactly this many users, before weighted ones
};

/// Absolute per-class user counts for every worker: `counts[w][c]` is the
/// number of users of class `class_names()[c]` that worker `worker_ids()[w]`
/// should run.
struct Distribution {
  std::vector<std::string> worker_ids;
  std::vector<std::string> class_names;  ///< sorted by name
  std::vector<std::vector<std::int64_t>> counts;

  std::int64_t total() const;
  std::int64_t class_total(std::size_t class_index) const;
  /// Counts of one worker, or nullptr for an unknown id.
  const std::vector<std::int64_t>* worker(const std::string& worker_id) const;
};

/// Locust's UsersDispatcher (2.46.3 semantics), as a pure state machine:
/// spreads users over workers by weight and fixed_count, hosts interleaved,
/// in iterations of max(1, floor(rate)) users spaced rate-apart; removes
/// users last-in first-out; rebalances when workers join or leave.
///
/// It never sleeps: `next(now)` says what to send, or how long to wait before
/// asking again, so it is tested with a hand-moved clock. Not thread-safe.
///
/// Per-worker counts are computed in bulk rather than replayed user by user:
/// the class picks come from a sequence generated once per set of weights
/// (reused by every rebalance), workers take them round-robin into one flat
/// count table, and the active-users stack is kept as runs of picks (2 bytes
/// a user) from which removals recover each user's worker.
class UsersDispatcher {
 public:
  /// What `next` asks the caller to do.
  struct Step {
    enum class Kind { kDispatch, kWait, kDone };
    Kind kind = Kind::kDone;
    Distribution distribution;  ///< for kDispatch
    double wait_seconds = 0;    ///< for kWait
  };

  /// `worker_ids`: the node ids ("<host>_<id>"); the text before the first `_`
  /// is the host used to interleave. `classes`: every user class, any order.
  UsersDispatcher(std::vector<std::string> worker_ids, std::vector<DispatchUserClass> classes);
  ~UsersDispatcher();
  UsersDispatcher(UsersDispatcher&&) noexcept;
  UsersDispatcher& operator=(UsersDispatcher&&) noexcept;

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

  /// A stretch of Locust's active-users stack, users [user_begin, next run's
  /// user_begin): user i went to worker (cursor_begin + i - user_begin) % W,
  /// and its class is pick source_begin + i - user_begin of the weighted
  /// sequence, or of explicit_classes_ (fixed-count picks).
  struct Run {
    std::size_t user_begin = 0;
    std::size_t cursor_begin = 0;
    bool weighted = false;
    std::size_t source_begin = 0;
  };

  void reset_generator();
  void plan_fixed();
  void sort_workers();
  std::int64_t place_users(std::int64_t count);
  void place_fixed(std::uint16_t class_index);
  void begin_run(bool weighted, std::size_t source_begin);
  void pin_stack_classes();
  void add_users();
  void remove_users();
  void prepare_rebalance();
  Step dispatch_step() const;

  std::vector<DispatchUserClass> classes_;  // sorted by name ("original" classes)
  std::vector<bool> class_enabled_;         // the classes the generator may pick
  std::vector<std::string> workers_;        // in dispatch order
  std::vector<std::int64_t> counts_;        // [worker * classes + class]
  std::vector<std::int64_t> class_totals_;
  std::size_t worker_cursor_ = 0;
  std::size_t active_users_ = 0;  // Locust's active-users stack, as runs
  std::vector<Run> runs_;
  std::vector<std::uint16_t> explicit_classes_;   // classes of the runs not in weighted_
  std::unique_ptr<detail::KlSequence> weighted_;  // picks of the enabled weighted classes
  std::size_t weighted_position_ = 0;
  std::vector<std::uint16_t> fixed_queue_;  // planned fixed-count picks
  std::size_t fixed_position_ = 0;
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

}  // namespace cicada
