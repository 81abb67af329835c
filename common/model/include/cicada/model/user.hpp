#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include "cicada/core/random.hpp"

#include <boost/asio/steady_timer.hpp>

#include "cicada/core/asio.hpp"
#include "cicada/core/loop.hpp"
#include "cicada/model/events.hpp"
#include "cicada/model/task_holder.hpp"

namespace cicada {

class Environment;
class User;

/// Hands an open-model user its iterations (see ArrivalRate): between
/// iterations the user parks and tells its source it is free; the source
/// resumes it with User::begin_iteration().
class IterationSource {
 public:
  virtual void user_idle(User& user) = 0;

 protected:
  ~IterationSource() = default;
};

/// Something a kill must interrupt at once, such as the connection a user's
/// request waits on: see User::add_kill_hook. Costs its owner no allocation.
class KillHook {
 public:
  virtual void on_kill() = 0;

 protected:
  KillHook() = default;
  virtual ~KillHook() = default;
  KillHook(const KillHook&) = delete;
  KillHook& operator=(const KillHook&) = delete;

 private:
  friend class User;
  KillHook* next_kill_hook_ = nullptr;
};

/// What the runner hands every user it creates.
struct UserContext {
  asio::any_io_executor executor;
  Events* events = nullptr;
  Environment* environment = nullptr;  ///< may be null when users run without one (tests)
  std::string class_name;
  std::string host;             ///< base URL, from -H or the class
  std::uint64_t seed = 0;       ///< seeds this user's random generator
  std::int64_t user_index = 0;  ///< 0, 1, 2... in spawn order, per runner
  bool tls_insecure = false;    ///< HTTP users: skip certificate verification (--insecure)
  std::string tls_ca_file;      ///< HTTP users: trusted CA file; empty = the system's
  /// HTTP users, from --connect-timeout, --network-timeout and --max-body-size:
  /// when set they win over what the user class asks for.
  std::optional<double> http_connect_timeout_seconds;
  std::optional<double> http_network_timeout_seconds;
  std::optional<std::uint64_t> http_max_body_bytes;
  /// Set for users of an open-model class: they run one task per iteration
  /// handed to them, instead of waiting their wait time.
  IterationSource* iterations = nullptr;

  bool operator==(const UserContext&) const = default;
};

/// A simulated user (Locust's User). Derive from it, write tasks as member
/// coroutines returning `awaitable<void>`, and describe the class with
/// `UserClass::define<YourUser>(...)`. Inherit the constructor:
/// `using cicada::User::User;`.
///
/// A user lives on its runner's event loop: every member runs on that thread.
class User : public TaskHolder {
 public:
  enum class State { kRunning, kWaiting, kStopping };

  explicit User(UserContext context);
  ~User() override;

  User& user() override { return *this; }

  const std::string& class_name() const { return shared_->class_name; }
  const std::string& host() const { return shared_->host; }
  std::int64_t user_index() const { return user_index_; }
  /// The Environment; throws std::logic_error when the user has none.
  Environment& environment() const;
  Events& events() const { return *shared_->events; }
  asio::any_io_executor executor() const { return shared_->executor; }
  /// This user's own generator, seeded by the runner (reproducible runs).
  cicada::Random& random() { return random_; }

  /// Facts added to every request event of this user (Locust's User.context()):
  /// override to tag requests, e.g. with the account a user logged in as.
  virtual RequestContext context() const { return {}; }

  /// Reports a request of any protocol: fires the `request` event, which the
  /// statistics listen to. `event.start_time` of 0 is filled in with now.
  void record_request(RequestEvent event);

  /// Sleeps without blocking the loop. A kill ends the sleep with UserKilled.
  awaitable<void> sleep(std::chrono::duration<double> duration);

  // --- Used by the runner ------------------------------------------------
  State state() const { return state_; }
  bool stop_requested() const { return state_ == State::kStopping; }
  /// Graceful stop: the user finishes its current task, then stops. A user
  /// that is waiting stops at once.
  void request_stop();
  /// Immediate stop: the pending sleep or request ends with UserKilled. on_stop still runs.
  void kill();
  /// I/O objects register a canceller so kill() can interrupt them; returns an id.
  std::size_t on_kill(std::function<void()> cancel);
  void remove_on_kill(std::size_t id);
  /// The same for an object that lives as long as its registration.
  void add_kill_hook(KillHook& hook);
  void remove_kill_hook(KillHook& hook);
  /// Resumes a parked open-model user for one iteration.
  void begin_iteration();
  /// Throws UserKilled once if a kill is pending (then clears it).
  void throw_if_killed();
  bool kill_pending() const { return kill_pending_; }

 private:
  friend class TaskHolder;
  friend class TaskLoop;
  void set_state(State state) { state_ = state; }
  /// The wait after a task: marks the user waiting (so a stop ends it at
  /// once) and returns the sleep; end_wait() follows it.
  TimerSleep wait_between_tasks(std::chrono::duration<double> duration);
  /// After a wait: a kill or a stop that came meanwhile ends the user here.
  void end_wait();
  /// The wait of an open-model user: parked until its source hands it an
  /// iteration (a yield when it handed one at once); end_wait() follows it.
  TimerSleep wait_for_iteration();

  // What the users of a class share (everything but the seed, the index and
  // the iteration source): one copy, not one per user.
  std::shared_ptr<const UserContext> shared_;
  std::int64_t user_index_;
  IterationSource* iterations_;
  cicada::Random random_;
  LoopTimer timer_;  // every user has one: on the loop's own executor type
  State state_ = State::kRunning;
  bool kill_pending_ = false;
  bool iteration_handed_ = false;
  std::vector<std::pair<std::size_t, std::function<void()>>> kill_hooks_;
  KillHook* hook_list_ = nullptr;  // add_kill_hook's, linked through the hooks
  std::size_t next_hook_id_ = 0;
};

/// A group of tasks a user runs until interrupted (Locust's TaskSet and
/// SequentialTaskSet). Derive from it, inherit the constructor, describe it
/// with `TaskSetClass::define<YourSet>(...)`, and add it to a user class (or
/// another set) as a task.
class TaskSet : public TaskHolder {
 public:
  TaskSet(User& user, TaskHolder& parent) : user_(user), parent_(parent) {}

  User& user() override { return user_; }
  TaskHolder& parent() { return parent_; }

  /// Leaves this set and returns to the parent. With `reschedule` the parent
  /// runs its next task at once; otherwise it waits first. Never returns.
  [[noreturn]] void interrupt(bool reschedule = true);

 private:
  User& user_;
  TaskHolder& parent_;
};

}  // namespace cicada
