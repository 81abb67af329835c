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

void UserClass::set_weight(double weight) {
  if (!(weight >= 0)) throw std::invalid_argument("user class " + name_ + ": weight must be >= 0");
  weight_ = weight;
}

void UserClass::set_fixed_count(std::int64_t fixed_count) {
  if (fixed_count < 0)
    throw std::invalid_argument("user class " + name_ + ": fixed_count must be >= 0");
  fixed_count_ = fixed_count;
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
  tasks_ = filter_by_tags(tasks_, tags, exclude_tags);
}

}  // namespace cicada
