#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "cicada/core/asio.hpp"
#include "cicada/model/user_class.hpp"

namespace cicada {

class Environment;
class ArrivalExecutor;

/// Which part of an open-model schedule this process runs: a master spreads
/// each arrival rate evenly over `count` workers, this one being `index`.
struct ArrivalShare {
  std::int64_t index = 0;
  std::int64_t count = 1;
};

/// The users a runner has alive, per class: spawning, stopping the newest of
/// a class first (gracefully within stop_timeout, then killed), and waiting
/// for them to finish. Shared by the local and the worker runner.
/// Runs on the environment's loop.
class UserPool {
 public:
  explicit UserPool(Environment& environment);
  ~UserPool();
  UserPool(const UserPool&) = delete;
  UserPool& operator=(const UserPool&) = delete;

  /// The tag-filtered classes users run (made once, at the first use).
  const std::vector<std::unique_ptr<UserClass>>& classes();
  /// Filters the classes again from the environment's tags, for a new test;
  /// only while no user is alive (users point at their class).
  void refilter_classes();
  /// Applies new settings to the copy users run, if the copies exist yet
  /// (they are made from the environment's classes, which took them already).
  void update_class(const UserClassSettings& settings);
  /// Index of a class name; throws std::invalid_argument if unknown.
  std::size_t class_index(const std::string& name);

  /// A new user of a class; `iterations` is set for an open-model class's users.
  User& spawn(std::size_t class_index, IterationSource* iterations = nullptr);
  /// Asks the newest `count` running users of a class to stop (graceful when
  /// stop_timeout > 0, else killed).
  void mark_for_stop(std::size_t class_index, std::int64_t count);
  /// Also ends the open-model schedules.
  void mark_all_for_stop();

  /// True when some class runs on an arrival rate (an open model).
  bool has_open_classes();
  /// Starts the open-model classes' schedules `elapsed_seconds` into the
  /// test, or changes this process's share of the running ones.
  void run_arrivals(double elapsed_seconds, ArrivalShare share = {});
  /// Completes when every user asked to stop has finished (killing the rest
  /// when stop_timeout runs out).
  static awaitable<void> wait_for_stopped(UserPool* pool);
  bool stops_pending() const { return awaited_remaining_ > 0; }

  /// Spawns and stops users so each class has exactly its target running.
  /// Unknown class names throw std::invalid_argument (before anything changes).
  /// Open-model classes are left to their schedules.
  void apply_targets(const std::map<std::string, std::int64_t>& targets);

  /// Users not asked to stop, of one class.
  std::int64_t live_count(std::size_t class_index) const;
  /// Users alive (stopping ones included).
  std::int64_t size() const { return static_cast<std::int64_t>(slots_.size()); }
  /// Alive users per class name, every class of the Environment listed.
  std::map<std::string, std::int64_t> counts() const;
  std::vector<User*> users() const;

  /// Kills every user and runs the loop until their coroutines ended (bounded).
  void shutdown();

 private:
  /// Applies the environment's -T/-E to a class's tasks.
  void filter_by_tags(UserClass& user_class) const;

  struct Slot {
    std::unique_ptr<User> user;
    std::size_t class_index = 0;
    bool stopping = false;
    bool awaited = false;
  };

  /// A user's task loop ended (`error`: what escaped it, StopTest included).
  void on_user_ended(std::list<Slot>::iterator slot, std::exception_ptr error);
  void on_user_finished(std::list<Slot>::iterator slot);

  Environment& environment_;
  asio::io_context& io_;
  std::vector<std::unique_ptr<UserClass>> classes_;
  std::vector<std::shared_ptr<ArrivalExecutor>> arrivals_;  ///< by class; null: closed model
  bool warned_open_targets_ = false;
  std::list<Slot> slots_;
  std::vector<std::vector<Slot*>> by_class_;
  asio::steady_timer stop_waiter_;
  std::int64_t awaited_remaining_ = 0;
  std::int64_t next_user_index_ = 0;
};

}  // namespace cicada
