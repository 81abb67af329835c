#pragma once

#include <chrono>
#include <string>

#include "cicada/core/asio.hpp"
#include "cicada/core/timer_wait.hpp"
#include "cicada/model/task.hpp"
#include "cicada/model/wait_time.hpp"

namespace cicada {

class User;

/// What User and TaskSet have in common: a list of tasks to run, a wait time,
/// and on_start / on_stop hooks. Runs on its user's event loop only.
class TaskHolder {
 public:
  virtual ~TaskHolder() = default;
  TaskHolder(const TaskHolder&) = delete;
  TaskHolder& operator=(const TaskHolder&) = delete;

  /// Runs once before the first task. The default does nothing.
  virtual awaitable<void> on_start();
  /// Runs when this holder stops (interrupted, StopUser, or the user stopped).
  virtual awaitable<void> on_stop();

  /// The user this holder belongs to.
  virtual User& user() = 0;

  /// Sleeps this holder's wait time. A stopping user stops here.
  awaitable<void> wait();
  /// Used by the task loop: wait() in two halves, so the loop's own frame is
  /// the only one while a user waits (a waiting user is mostly its frames).
  /// The returned sleep must be awaited at once (it makes no frame of its
  /// own), then end_wait() called.
  TimerSleep begin_wait();
  /// After the sleep: a killed or stopping user stops here.
  void end_wait();

  const TaskList& task_list() const { return *tasks_; }

  /// Used by the task loop: which tasks this holder runs, and the wait time
  /// to use when its list has none of its own (its parent's).
  void bind_tasks(const TaskList* tasks, const WaitTime* fallback_wait, double now_seconds);
  /// Moves to another list of the same holder (its class was updated), keeping the pacing.
  void rebind_tasks(const TaskList* tasks) { tasks_ = tasks; }
  const WaitTime& effective_wait_time() const;
  /// The pacing period of this holder's wait time (seconds), when it is paced
  /// and tasks are bound; nullopt otherwise.
  std::optional<double> pacing_period() const;

 protected:
  TaskHolder() = default;

 private:
  const TaskList* tasks_ = nullptr;
  const WaitTime* fallback_wait_ = nullptr;
  WaitTime::PacingState pacing_{};
};

}  // namespace cicada
