#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cicada/model/user_class.hpp"
#include "cicada/runner/runner.hpp"
#include "cicada/runner/user_pool.hpp"
#include "cicada/runner/users_dispatcher.hpp"

namespace cicada {

/// Runs users in this process (Locust's LocalRunner): ramps with the users
/// dispatcher over one pseudo-worker named "local", spawns and stops users of
/// the right classes, and keeps the statistics in the Environment.
class LocalRunner final : public Runner {
 public:
  explicit LocalRunner(Environment& environment);
  ~LocalRunner() override;

  void start(std::int64_t user_count, double spawn_rate,
             std::optional<std::vector<std::string>> user_classes = std::nullopt) override;
  void stop() override;
  void quit() override;

  std::int64_t user_count() const override { return pool_.size(); }
  std::map<std::string, std::int64_t> user_classes_count() const override;
  void user_class_updated(const UserClassSettings& settings) override {
    pool_.update_class(settings);
  }

  /// Starts `counts` users per class name at once, bypassing the dispatcher,
  /// and returns them. They begin running when control returns to the event
  /// loop, so the caller can set per-user data first (as in Locust's
  /// `spawn_users`). Throws std::invalid_argument for an unknown class name.
  std::vector<User*> spawn_users(const std::map<std::string, std::int64_t>& counts);
  /// Stops that many users of each class, newest first (Locust's stop_users):
  /// gracefully within the stop timeout, else at once. Throws
  /// std::invalid_argument for an unknown class name.
  void stop_users(const std::map<std::string, std::int64_t>& counts);

  /// The users alive now, oldest first (stopping ones included).
  std::vector<User*> users() const;

 private:
  void begin_test_if_idle();
  void all_users_spawned();

  static awaitable<void> run_ramp(LocalRunner* runner, std::uint64_t generation);
  static awaitable<void> run_stop(LocalRunner* runner, bool then_quit);

  UserPool pool_;
  std::unique_ptr<UsersDispatcher> dispatcher_;
  std::uint64_t ramp_generation_ = 0;
  asio::steady_timer ramp_timer_;
  bool stop_in_progress_ = false;
  bool quit_after_stop_ = false;
  std::size_t user_error_listener_ = 0;
};

}  // namespace cicada
