#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include "cicada/core/random.hpp"

#include "cicada/core/asio.hpp"
#include "cicada/model/wait_time.hpp"

namespace cicada {

class User;
class TaskHolder;
class TaskSetClass;

/// Per-task settings, for designated initialisers:
/// `.task("index", &WebUser::index, {.weight = 2, .tags = {"web"}})`.
struct TaskOptions {
  int weight = 1;  ///< relative frequency: the task is picked `weight` times as often
  std::vector<std::string> tags{};
};

/// One entry of a task list: a coroutine to run, or a nested task set.
struct Task {
  std::string name;
  int weight = 1;
  std::vector<std::string> tags;
  /// The task body; runs with the holder (User or TaskSet) that owns the list.
  std::function<awaitable<void>(TaskHolder&)> run;
  /// Set for a nested task set instead of `run`.
  std::shared_ptr<const TaskSetClass> task_set;
};

/// What a task list is and how to pick from it.
struct TaskList {
  std::vector<Task> tasks;
  bool sequential = false;            ///< SequentialTaskSet: declaration order, cycling
  std::optional<WaitTime> wait_time;  ///< a TaskSet's own wait_time, else its parent's

  /// Indices into `tasks`, each repeated `weight` times (Locust's task list).
  std::vector<std::size_t> schedule() const;
};

/// Keeps tasks (and nested sets' tasks) that pass Locust's tag rules: with
/// `tags`, tasks having at least one of them; with `exclude_tags`, tasks
/// having none of those. A nested set survives if any of its tasks do. Tags on
/// a set apply to every task inside it.
TaskList filter_by_tags(const TaskList& list, const std::vector<std::string>& tags,
                        const std::vector<std::string>& exclude_tags,
                        const std::vector<std::string>& inherited_tags = {});

}  // namespace cicada
