#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>

#include "cicada/core/asio.hpp"
#include "cicada/model/load_shape.hpp"

namespace cicada {

class Environment;
struct UserClassSettings;

/// Locust's runner states, spelled as Locust spells them on the wire and in the UI.
enum class RunnerState { kReady, kSpawning, kRunning, kCleanup, kStopping, kStopped, kMissing };
std::string_view to_string(RunnerState state);

/// Class counts as Locust logs them: {"A": 1, "B": 2}, sorted by name.
std::string format_class_counts(const std::map<std::string, std::int64_t>& counts);

/// One distinct exception raised in user code (Locust's runner.exceptions).
struct UserException {
  std::int64_t count = 0;
  std::string message;
  std::string traceback;
  std::set<std::string> nodes;  ///< "local", or worker ids
};

/// One worker as a master sees it from its heartbeats (the UI's Workers tab).
struct WorkerSummary {
  std::string id;
  std::string state;  ///< ready, spawning, running, missing
  std::int64_t user_count = 0;
  double cpu_percent = 0;
  std::uint64_t memory_bytes = 0;
};

/// What every runner offers (Locust's Runner): start, stop, quit, join, state.
///
/// Threading: a runner lives on its Environment's io_context. `join()` runs
/// that loop on the calling thread until `quit()`. Call the other members
/// from that thread (before `join()`, or from callbacks and tasks running on
/// the loop); from any other thread, use `post()`.
class Runner {
 public:
  explicit Runner(Environment& environment);
  virtual ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  /// Ramps to `user_count` users at `spawn_rate` users per second. From the
  /// ready or stopped state this starts a new test (stats cleared,
  /// test_start fired); while running it re-targets up or down.
  /// `user_classes` (names) limits the classes spawned from now on (Locust's
  /// user_classes argument); nullopt keeps them all.
  virtual void start(std::int64_t user_count, double spawn_rate,
                     std::optional<std::vector<std::string>> user_classes = std::nullopt) = 0;
  /// Stops every user (honouring stop_timeout), then fires test_stop. Ends a load shape.
  virtual void stop() = 0;
  /// Stops, then ends `join()`.
  virtual void quit() = 0;

  /// Runs the event loop on this thread until quit() has finished.
  void join();

  /// Lets the environment's load shape drive the test (Locust's start_shape):
  /// its tick() is asked now and then once a second, and each new answer
  /// re-targets the test; when it answers nothing the test stops, or quits
  /// with `quit_at_end` (a headless run). Throws std::logic_error without a shape.
  void start_shape(bool quit_at_end = false);
  /// True while a load shape drives the test.
  bool shape_running() const { return shape_running_; }

  RunnerState state() const { return state_; }
  /// Users alive now, stopping ones included.
  virtual std::int64_t user_count() const = 0;
  /// Users alive per class name.
  virtual std::map<std::string, std::int64_t> user_classes_count() const = 0;
  std::int64_t target_user_count() const { return target_user_count_; }
  /// Distinct exceptions from user code, in the order they first happened.
  const std::vector<UserException>& exceptions() const { return exceptions_; }
  /// Forgets them (the web UI's "reset stats").
  void clear_exceptions() { exceptions_.clear(); }

  /// A master's workers, by id; empty for other runners.
  virtual std::vector<WorkerSummary> worker_summaries() const { return {}; }
  /// The log lines each worker forwarded (Locust's `logs` message), by worker id.
  virtual std::map<std::string, std::vector<std::string>> worker_logs() const { return {}; }
  /// A master's workers that are ready, spawning or running; 0 for other runners.
  virtual std::int64_t worker_count() const { return 0; }
  /// True for a master: the UI shows workers and needs one to start.
  virtual bool distributed() const { return false; }
  /// Whether this runner can do its job now (readiness probes): a worker is
  /// ready while connected to a master that still heartbeats; others always are.
  virtual bool ready() const { return true; }

  /// Called by Environment::update_user_class once the environment's own
  /// class (if it has one by that name) took the settings: runners that hold
  /// copies of the classes update them, a master tells its workers.
  virtual void user_class_updated(const UserClassSettings& settings) { (void)settings; }
  /// Whether this runner knows a class the environment does not (a master
  /// learns classes from its workers).
  virtual bool has_user_class(const std::string& name) const {
    (void)name;
    return false;
  }

  /// Runs `action` on the loop after `delay` (e.g. quit after 30 s). Cancelled by quit().
  void call_later(std::chrono::duration<double> delay, std::function<void()> action);
  /// Runs `action` on the loop every `interval`, first after one interval, until quit().
  void every(std::chrono::duration<double> interval, std::function<void()> action);
  /// Appends a stats history sample every 5 s while a test runs (charts, reports).
  void start_stats_history();
  /// Thread-safe: runs `action` on the loop.
  void post(std::function<void()> action);

  Environment& environment() { return environment_; }

 protected:
  void set_state(RunnerState state);
  /// Ends background activity and lets join() return.
  void finish_quit();
  void record_exception(std::string_view message, std::string_view traceback,
                        const std::string& node);
  bool quitting() const { return quitting_; }
  /// Called by stop(): the load shape (if any) no longer drives the test.
  void end_shape() { shape_running_ = false; }

  Environment& environment_;
  asio::io_context& io_;
  std::int64_t target_user_count_ = 0;
  std::vector<UserException> exceptions_;  // one per distinct traceback, first seen first

 private:
  static awaitable<void> run_timer(Runner* runner, asio::steady_timer* timer,
                                   std::chrono::duration<double> interval, bool repeat,
                                   std::function<void()> action);

  void poll_shape();
  /// Samples this process's CPU and memory: usage_monitor, and once over 90%
  /// a warning and cpu_warning.
  void monitor_usage();

  RunnerState state_ = RunnerState::kReady;
  bool shape_running_ = false;
  bool shape_polled_ = false;  ///< the once-a-second poll is scheduled
  bool shape_quit_at_end_ = false;
  std::optional<ShapeTick> last_shape_tick_;
  bool quitting_ = false;
  bool quit_finished_ = false;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::list<asio::steady_timer> timers_;
  double last_cpu_seconds_ = 0;
  double last_usage_sample_ = 0;
  bool cpu_warning_given_ = false;
};

}  // namespace cicada
