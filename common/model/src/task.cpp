#include <algorithm>

#include "cicada/model/user_class.hpp"

namespace cicada {

std::vector<std::size_t> TaskList::schedule() const {
  std::vector<std::size_t> indices;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    for (int k = 0; k < tasks[i].weight; ++k) indices.push_back(i);
  }
  return indices;
}

namespace {
bool has_any(const std::vector<std::string>& task_tags, const std::vector<std::string>& wanted) {
  return std::any_of(task_tags.begin(), task_tags.end(), [&](const std::string& tag) {
    return std::find(wanted.begin(), wanted.end(), tag) != wanted.end();
  });
}
}  // namespace

TaskList filter_by_tags(const TaskList& list, const std::vector<std::string>& tags,
                        const std::vector<std::string>& exclude_tags,
                        const std::vector<std::string>& inherited_tags) {
  TaskList filtered;
  filtered.sequential = list.sequential;
  filtered.wait_time = list.wait_time;
  for (const Task& task : list.tasks) {
    std::vector<std::string> task_tags = inherited_tags;
    task_tags.insert(task_tags.end(), task.tags.begin(), task.tags.end());
    if (task.task_set) {
      TaskSetClass nested = *task.task_set;
      nested.tasks_ = filter_by_tags(nested.tasks_, tags, exclude_tags, task_tags);
      if (nested.tasks_.tasks.empty()) continue;
      Task kept = task;
      kept.task_set = std::make_shared<const TaskSetClass>(std::move(nested));
      filtered.tasks.push_back(std::move(kept));
      continue;
    }
    if (!tags.empty() && !has_any(task_tags, tags)) continue;
    if (!exclude_tags.empty() && has_any(task_tags, exclude_tags)) continue;
    filtered.tasks.push_back(task);
  }
  return filtered;
}

namespace {

double checked_weight(const std::string& class_name, double weight) {
  if (!(weight >= 0))
    throw std::invalid_argument("user class " + class_name + ": weight must be >= 0");
  return weight;
}

std::int64_t checked_fixed_count(const std::string& class_name, std::int64_t fixed_count) {
  if (fixed_count < 0)
    throw std::invalid_argument("user class " + class_name + ": fixed_count must be >= 0");
  return fixed_count;
}

}  // namespace

void UserClass::set_weight(double weight) {
  weight_ = checked_weight(name_, weight);
}

void UserClass::set_fixed_count(std::int64_t fixed_count) {
  fixed_count_ = checked_fixed_count(name_, fixed_count);
}

void UserClass::set_arrival_rate(ArrivalRate arrival_rate) {
  try {
    arrival_rate.validate();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("user class " + name_ + ": " + e.what());
  }
  arrival_rate_ = std::move(arrival_rate);
}

void UserClass::filter_tasks(const std::vector<std::string>& tags,
                             const std::vector<std::string>& exclude_tags) {
  tasks_ = std::make_shared<const TaskList>(filter_by_tags(*tasks_, tags, exclude_tags));
}

namespace {

// The defined tasks named in `names`, in their defined order.
TaskList select_tasks(const std::string& class_name, const TaskList& defined,
                      const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    const bool known = std::any_of(defined.tasks.begin(), defined.tasks.end(),
                                   [&](const Task& task) { return task.name == name; });
    if (!known) {
      std::string available;
      for (const Task& task : defined.tasks)
        available += (available.empty() ? "" : ", ") + task.name;
      throw std::invalid_argument("user class " + class_name + " has no task '" + name +
                                  "' (it has: " + available + ")");
    }
  }
  if (names.empty()) throw std::invalid_argument("user class " + class_name + ": no task selected");
  TaskList selected;
  selected.sequential = defined.sequential;
  selected.wait_time = defined.wait_time;
  for (const Task& task : defined.tasks) {
    if (std::find(names.begin(), names.end(), task.name) != names.end())
      selected.tasks.push_back(task);
  }
  return selected;
}

}  // namespace

void UserClass::update(const UserClassSettings& settings) {
  if (settings.user_class_name != name_) {
    throw std::invalid_argument("settings for user class " + settings.user_class_name +
                                " given to " + name_);
  }
  // Everything that can fail first; running users hold references into this class.
  const double weight = checked_weight(name_, settings.weight.value_or(weight_));
  const std::int64_t fixed_count =
      checked_fixed_count(name_, settings.fixed_count.value_or(fixed_count_));
  std::shared_ptr<const TaskList> tasks = tasks_;
  if (settings.tasks) {
    tasks = std::make_shared<const TaskList>(select_tasks(name_, *defined_tasks_, *settings.tasks));
  }
  weight_ = weight;
  fixed_count_ = fixed_count;
  if (settings.host) host_ = *settings.host;
  tasks_ = std::move(tasks);
}

}  // namespace cicada
