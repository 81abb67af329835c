#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cicada/model/user_class.hpp"
#include "cicada/runner/runner.hpp"
#include "cicada/runner/users_dispatcher.hpp"

namespace cicada {

/// Runs users in this process (Locust's LocalRunner): ramps with the users
/// dispatcher over one pseudo-worker named "local", spawns and stops users of
/// the right classes, and keeps the statistics in the Environment.
class LocalRunner final : public Runner {
 public:
  explicit LocalRunner(Environment& environment);
  ~LocalRunner() override;

  void start(std::int64_t user_count, double spawn_rate) override;
  void stop() override;
  void quit() override;

  std::int64_t user_count() const override { return static_cast<std::int64_t>(slots_.size()); }
  std::map<std::string, std::int64_t> user_classes_count() const override;

  /// Starts `counts` users per class name at once, bypassing the dispatcher,
  /// and returns them. They begin running when control returns to the event
  /// loop, so the caller can set per-user data first (as in Locust's
  /// `spawn_users`). Throws std::invalid_argument for an unknown class name.
  std::vector<User*> spawn_users(const std::map<std::string, std::int64_t>& counts);

  /// The users alive now, oldest first (stopping ones included).
  std::vector<User*> users() const;

 private:
  struct Slot {
    std::unique_ptr<User> user;
    std::size_t class_index = 0;
    bool stopping = false;
    bool awaited = false;
    std::list<Slot>::iterator self;
  };

  void prepare_classes();
  void begin_test_if_idle();
  Slot& spawn_one(std::size_t class_index);
  void on_user_finished(std::list<Slot>::iterator slot);
  void mark_for_stop(std::size_t class_index, std::int64_t count);
  void all_users_spawned();
  std::int64_t live_count(std::size_t class_index) const;
  /// Index into classes_ of a class name; throws std::invalid_argument if unknown.
  std::size_t class_index(const std::string& name) const;

  static awaitable<void> run_user(LocalRunner* runner, std::list<Slot>::iterator slot);
  static awaitable<void> run_ramp(LocalRunner* runner, std::uint64_t generation);
  static awaitable<void> stop_marked_users(LocalRunner* runner);
  static awaitable<void> run_stop(LocalRunner* runner, bool then_quit);

  std::vector<std::unique_ptr<UserClass>> classes_;  // tag-filtered copies users run
  std::list<Slot> slots_;
  std::vector<std::vector<Slot*>> by_class_;  // spawn order, per class
  std::unique_ptr<UsersDispatcher> dispatcher_;
  std::uint64_t ramp_generation_ = 0;
  asio::steady_timer ramp_timer_;
  asio::steady_timer stop_waiter_;
  std::int64_t awaited_remaining_ = 0;
  std::int64_t next_user_index_ = 0;
  bool stop_in_progress_ = false;
  bool quit_after_stop_ = false;
  std::size_t user_error_listener_ = 0;
};

}  // namespace cicada
