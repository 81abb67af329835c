#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "cicada/model/arrival_rate.hpp"
#include "cicada/model/task.hpp"
#include "cicada/model/user.hpp"
#include "cicada/model/wait_time.hpp"

namespace cicada {

template <typename Holder>
class TaskListBuilder;

/// The description of a task set: its name, tasks and how to create one.
class TaskSetClass {
 public:
  using Factory = std::function<std::unique_ptr<TaskSet>(User&, TaskHolder&)>;

  /// Starts describing `T` (derived from TaskSet), whose tasks are picked by weight.
  template <typename T>
  static TaskListBuilder<T> define(std::string name);
  /// Starts describing `T` whose tasks run in declaration order, cycling.
  template <typename T>
  static TaskListBuilder<T> define_sequential(std::string name);

  const std::string& name() const { return name_; }
  const TaskList& tasks() const { return tasks_; }
  std::unique_ptr<TaskSet> create(User& user, TaskHolder& parent) const {
    return factory_(user, parent);
  }

 private:
  template <typename Holder>
  friend class TaskListBuilder;
  friend TaskList filter_by_tags(const TaskList&, const std::vector<std::string>&,
                                 const std::vector<std::string>&, const std::vector<std::string>&);

  std::string name_;
  TaskList tasks_;
  Factory factory_;
};

/// New values for some of a user class's settings, by name: Locust's
/// `update_user_class` (its web UI's user-class editor, `--config-users`).
/// Each field present replaces the class's; `tasks` picks, by name, which of
/// the tasks the class was defined with its users run.
struct UserClassSettings {
  std::string user_class_name;
  std::optional<std::string> host = std::nullopt;
  std::optional<double> weight = std::nullopt;
  std::optional<std::int64_t> fixed_count = std::nullopt;
  std::optional<std::vector<std::string>> tasks = std::nullopt;
};

/// The description of a user class: name, weight or fixed_count, wait time,
/// host, tasks, and how to create a user (Locust's User class attributes).
class UserClass {
 public:
  using Factory = std::function<std::unique_ptr<User>(UserContext)>;

  /// Starts describing `U` (derived from User, constructible from UserContext).
  template <typename U>
  static TaskListBuilder<U> define(std::string name);
  /// The same, creating users with `factory` (for classes that need more than a UserContext).
  template <typename U>
  static TaskListBuilder<U> define(std::string name, Factory factory);

  const std::string& name() const { return name_; }
  double weight() const { return weight_; }
  std::int64_t fixed_count() const { return fixed_count_; }
  const WaitTime& wait_time() const { return wait_time_; }
  const std::optional<std::string>& host() const { return host_; }
  const TaskList& tasks() const { return *tasks_; }
  /// The task list as running users hold it: update() replaces it rather than
  /// changing it, and a user's task loop moves to the new one between tasks.
  const std::shared_ptr<const TaskList>& shared_tasks() const { return tasks_; }
  /// The tasks as defined, before tag filters or updates: what update() picks from.
  const TaskList& defined_tasks() const { return *defined_tasks_; }
  /// Set for an open-model class: its iterations follow this schedule, and
  /// it takes no part in user counts (weight, fixed_count, wait time unused).
  const std::optional<ArrivalRate>& arrival_rate() const { return arrival_rate_; }
  bool open_model() const { return arrival_rate_.has_value(); }

  void set_weight(double weight);
  void set_fixed_count(std::int64_t fixed_count);
  void set_host(std::string host) { host_ = std::move(host); }
  void set_wait_time(WaitTime wait_time) { wait_time_ = std::move(wait_time); }
  /// Makes this an open-model class; throws std::invalid_argument for a bad rate.
  void set_arrival_rate(ArrivalRate arrival_rate);
  /// Keeps only the tasks that pass the tag filters (see filter_by_tags).
  void filter_tasks(const std::vector<std::string>& tags,
                    const std::vector<std::string>& exclude_tags);
  /// Applies `settings` (whose name must be this class's), all or nothing:
  /// throws std::invalid_argument naming the problem (a bad weight or count, a
  /// task name the class was not defined with, no task selected).
  void update(const UserClassSettings& settings);

  std::unique_ptr<User> create(UserContext context) const { return factory_(std::move(context)); }

 private:
  template <typename Holder>
  friend class TaskListBuilder;

  std::string name_;
  double weight_ = 1;
  std::int64_t fixed_count_ = 0;
  WaitTime wait_time_ = WaitTime::constant(0);
  std::optional<std::string> host_;
  std::optional<ArrivalRate> arrival_rate_;
  std::shared_ptr<const TaskList> tasks_ = std::make_shared<const TaskList>();
  std::shared_ptr<const TaskList> defined_tasks_ = tasks_;
  Factory factory_;
};

/// Fluent description of a user class or task set whose holder type is
/// `Holder`; converts to UserClass or TaskSetClass when done.
template <typename Holder>
class TaskListBuilder {
 public:
  /// A member coroutine as a task: `.task("index", &WebUser::index, {.weight = 2})`.
  TaskListBuilder& task(std::string name, awaitable<void> (Holder::*body)(),
                        TaskOptions options = {}) {
    return add(
        std::move(name),
        [body](TaskHolder& holder) { return (static_cast<Holder&>(holder).*body)(); },
        std::move(options));
  }
  /// Any callable taking the holder: for tasks built at run time (scenarios).
  TaskListBuilder& task(std::string name, std::function<awaitable<void>(Holder&)> body,
                        TaskOptions options = {}) {
    return add(
        std::move(name),
        [body = std::move(body)](TaskHolder& holder) { return body(static_cast<Holder&>(holder)); },
        std::move(options));
  }
  /// A nested task set.
  TaskListBuilder& task(const TaskSetClass& task_set, TaskOptions options = {}) {
    Task entry;
    entry.name = task_set.name();
    entry.weight = checked_weight(options.weight);
    entry.tags = std::move(options.tags);
    entry.task_set = std::make_shared<const TaskSetClass>(task_set);
    tasks().tasks.push_back(std::move(entry));
    return *this;
  }
  TaskListBuilder& wait_time(WaitTime wait) {
    if constexpr (std::is_base_of_v<User, Holder>) {
      user_class_.wait_time_ = std::move(wait);
    } else {
      task_set_class_.tasks_.wait_time = std::move(wait);
    }
    return *this;
  }
  TaskListBuilder& weight(double weight) requires std::is_base_of_v<User, Holder> {
    user_class_.set_weight(weight);
    return *this;
  }
  TaskListBuilder& fixed_count(std::int64_t count) requires std::is_base_of_v<User, Holder> {
    user_class_.set_fixed_count(count);
    return *this;
  }
  TaskListBuilder& host(std::string host) requires std::is_base_of_v<User, Holder> {
    user_class_.host_ = std::move(host);
    return *this;
  }
  TaskListBuilder& arrival_rate(ArrivalRate rate) requires std::is_base_of_v<User, Holder> {
    user_class_.set_arrival_rate(std::move(rate));
    return *this;
  }

  operator UserClass() const requires std::is_base_of_v<User, Holder> {
    UserClass built = user_class_;
    built.tasks_ = std::make_shared<const TaskList>(user_tasks_);
    built.defined_tasks_ = built.tasks_;
    return built;
  }
  operator TaskSetClass() const requires std::is_base_of_v<TaskSet, Holder> {
    return task_set_class_;
  }

 private:
  friend class UserClass;
  friend class TaskSetClass;

  static int checked_weight(int weight) {
    if (weight < 1) throw std::invalid_argument("task weight must be >= 1");
    return weight;
  }
  TaskList& tasks() {
    if constexpr (std::is_base_of_v<User, Holder>) {
      return user_tasks_;
    } else {
      return task_set_class_.tasks_;
    }
  }
  TaskListBuilder& add(std::string name, std::function<awaitable<void>(TaskHolder&)> run,
                       TaskOptions options) {
    Task entry;
    entry.name = std::move(name);
    entry.weight = checked_weight(options.weight);
    entry.tags = std::move(options.tags);
    entry.run = std::move(run);
    tasks().tasks.push_back(std::move(entry));
    return *this;
  }

  UserClass user_class_;
  TaskList user_tasks_;  // a user class's tasks while they are being described
  TaskSetClass task_set_class_;
};

template <typename U>
TaskListBuilder<U> UserClass::define(std::string name) {
  static_assert(std::is_base_of_v<User, U>, "a user class must derive from cicada::User");
  static_assert(std::is_constructible_v<U, UserContext>,
                "a user class must be constructible from UserContext (using cicada::User::User;)");
  TaskListBuilder<U> builder;
  builder.user_class_.name_ = std::move(name);
  builder.user_class_.factory_ = [](UserContext context) -> std::unique_ptr<User> {
    return std::make_unique<U>(std::move(context));
  };
  return builder;
}

template <typename U>
TaskListBuilder<U> UserClass::define(std::string name, Factory factory) {
  static_assert(std::is_base_of_v<User, U>, "a user class must derive from cicada::User");
  TaskListBuilder<U> builder;
  builder.user_class_.name_ = std::move(name);
  builder.user_class_.factory_ = std::move(factory);
  return builder;
}

template <typename T>
TaskListBuilder<T> TaskSetClass::define(std::string name) {
  static_assert(std::is_base_of_v<TaskSet, T>, "a task set must derive from cicada::TaskSet");
  TaskListBuilder<T> builder;
  builder.task_set_class_.name_ = std::move(name);
  builder.task_set_class_.factory_ = [](User& user,
                                        TaskHolder& parent) -> std::unique_ptr<TaskSet> {
    return std::make_unique<T>(user, parent);
  };
  return builder;
}

template <typename T>
TaskListBuilder<T> TaskSetClass::define_sequential(std::string name) {
  auto builder = define<T>(std::move(name));
  builder.task_set_class_.tasks_.sequential = true;
  return builder;
}

}  // namespace cicada
