#include "cicada/model/task_loop.hpp"

#include <spdlog/spdlog.h>

#include "cicada/core/clock.hpp"
#include "cicada/model/control_flow.hpp"
#include "cicada/model/user_class.hpp"

namespace cicada {
namespace {

/// How one pass of a task loop ended.
enum class Outcome { kContinue, kInterrupt, kStop, kError };

// Every local of a task loop lives in its coroutine frame as long as the user
// does: the error's text is reported where it is caught, not kept here.
struct LoopState {
  Outcome outcome = Outcome::kContinue;
  bool reschedule = false;  // for kInterrupt
  std::exception_ptr stop;  // for kStop: what to rethrow
};

std::string describe(const User& user, const TaskHolder& holder, const Task* task) {
  std::string where = user.class_name();
  if (&holder != &user) where += " > task set";
  if (task != nullptr) where += " > " + task->name;
  return where;
}

using SharedTasks = std::shared_ptr<const TaskList>;

awaitable<void> run_holder(User& user, TaskHolder& holder, SharedTasks tasks,
                           const UserClass* updated_from);

awaitable<void> run_task_set(User& user, TaskHolder& holder, const Task& task) {
  std::unique_ptr<TaskSet> nested = task.task_set->create(user, holder);
  nested->bind_tasks(&task.task_set->tasks(), &holder.effective_wait_time(), steady_seconds());
  // Shares ownership of the set's class, which the list points into.
  SharedTasks tasks(task.task_set, &task.task_set->tasks());
  co_await run_holder(user, *nested, std::move(tasks), nullptr);
}

// Not a coroutine: a task's own frame is the only one between the loop and its
// work (each coroutine frame is an allocation per task run).
awaitable<void> execute(User& user, TaskHolder& holder, const Task& task) {
  if (task.run) return task.run(holder);
  return run_task_set(user, holder, task);
}

void report_task_error(User& user, TaskHolder& holder, const Task* task,
                       const std::string& message) {
  const std::string where = describe(user, holder, task);
  spdlog::error("{}: {}", where, message);
  user.events().user_error.fire(UserErrorEvent{user, message, where});
}

void check_has_tasks(const User& user, const TaskHolder& holder, const TaskList& tasks) {
  if (tasks.tasks.empty()) {
    throw std::runtime_error("No tasks defined on " + describe(user, holder, nullptr) +
                             " (all filtered out by tags?)");
  }
}

// One nested set (or the user's own task list). Locust's TaskSet.run.
// `updated_from` (the user's class, for its own list): when the class's task
// list is replaced while the user runs, the loop moves to the new one before
// its next pick, as a Locust user reads its class's `tasks` at every pick.
awaitable<void> run_holder(User& user, TaskHolder& holder, SharedTasks tasks,
                           const UserClass* updated_from) {
  const bool is_root = &holder == &user;
  if (!is_root) {
    bool interrupted = false;
    bool reschedule = false;
    try {
      co_await holder.on_start();
    } catch (const InterruptTaskSet& e) {
      interrupted = true;
      reschedule = e.reschedule();
    }
    if (interrupted) {
      if (reschedule) throw RescheduleTaskImmediately();
      throw RescheduleTask();
    }
  }

  check_has_tasks(user, holder, *tasks);
  std::vector<std::size_t> schedule = tasks->schedule();
  std::size_t sequence_position = 0;
  std::uniform_int_distribution<std::size_t> pick(0, schedule.size() - 1);

  while (true) {
    LoopState state;
    const Task* task = nullptr;
    try {
      bool wait_after = true;
      try {
        if (user.stop_requested()) throw StopUser();
        if (updated_from != nullptr && updated_from->shared_tasks() != tasks) {
          check_has_tasks(user, holder, *updated_from->shared_tasks());
          tasks = updated_from->shared_tasks();
          holder.rebind_tasks(tasks.get());
          schedule = tasks->schedule();
          sequence_position = 0;
          pick = std::uniform_int_distribution<std::size_t>(0, schedule.size() - 1);
        }
        const std::size_t index = tasks->sequential
                                      ? schedule[sequence_position++ % schedule.size()]
                                      : schedule[pick(user.random())];
        task = &tasks->tasks[index];
        co_await execute(user, holder, *task);
      } catch (const RescheduleTaskImmediately&) {
        wait_after = false;
      } catch (const RescheduleTask&) {
      }
      if (wait_after) {
        co_await holder.begin_wait();
        holder.end_wait();
      }
    } catch (const InterruptTaskSet& e) {
      state.outcome = Outcome::kInterrupt;
      state.reschedule = e.reschedule();
    } catch (const StopUser&) {
      state.outcome = Outcome::kStop;
      state.stop = std::current_exception();
    } catch (const StopTest&) {
      state.outcome = Outcome::kStop;
      state.stop = std::current_exception();
    } catch (const UserKilled&) {
      state.outcome = Outcome::kStop;
      state.stop = std::current_exception();
    } catch (const std::exception& e) {
      state.outcome = Outcome::kError;
      report_task_error(user, holder, task, e.what());
    } catch (...) {
      state.outcome = Outcome::kError;
      report_task_error(user, holder, task, "unknown exception");
    }

    switch (state.outcome) {
      case Outcome::kContinue:
        break;
      case Outcome::kInterrupt:
        if (is_root) break;  // nothing to return to: carry on
        co_await holder.on_stop();
        if (state.reschedule) throw RescheduleTaskImmediately();
        throw RescheduleTask();
      case Outcome::kStop:
        if (!is_root) co_await holder.on_stop();
        std::rethrow_exception(state.stop);
      case Outcome::kError: {
        bool stopping = false;
        std::exception_ptr stop;
        try {
          co_await holder.begin_wait();
          holder.end_wait();
        } catch (const StopUser&) {
          stopping = true;
          stop = std::current_exception();
        } catch (const UserKilled&) {
          stopping = true;
          stop = std::current_exception();
        }
        if (stopping) {
          if (!is_root) co_await holder.on_stop();
          std::rethrow_exception(stop);
        }
        break;
      }
    }
  }
}

awaitable<void> run_on_stop(User& user) {
  std::string failure;
  try {
    co_await user.on_stop();
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  if (!failure.empty()) spdlog::error("{} on_stop failed: {}", user.class_name(), failure);
}

}  // namespace

awaitable<void> TaskLoop::run_user(User& user, const UserClass& user_class, Ended ended) {
  bool stopped = false;
  bool stop_test = false;
  std::string failure;
  try {
    user.bind_tasks(&user_class.tasks(), &user_class.wait_time(), steady_seconds());
    co_await user.on_start();
    co_await run_holder(user, user, user_class.shared_tasks(), &user_class);
  } catch (const StopUser&) {
    stopped = true;
  } catch (const StopTest&) {
    stopped = true;
    stop_test = true;
  } catch (const UserKilled&) {
    stopped = true;
  } catch (const RescheduleTask&) {
    failure = "RescheduleTask escaped the user's task loop";
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  std::exception_ptr outcome;
  try {
    if (stopped) {
      co_await run_on_stop(user);
      // For the runner, which ends the test.
      if (stop_test) outcome = std::make_exception_ptr(StopTest());
    } else if (!failure.empty()) {
      // Like an exception escaping a Locust user's greenlet: the user ends, without on_stop.
      report_task_error(user, user, nullptr, failure);
    }
  } catch (...) {
    outcome = std::current_exception();
  }
  ended(outcome);
}

}  // namespace cicada
