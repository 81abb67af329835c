#include "task_ratio.hpp"

#include <nlohmann/json.hpp>

namespace cicada::web {
namespace {

using nlohmann::json;

// Locust's _get_task_ratio: tasks of one list by name (a name listed twice adds up).
json task_list_ratio(const TaskList& list, bool total, double parent_ratio) {
  const double scale = total ? parent_ratio : 1.0;
  double weight_sum = 0;
  for (const Task& task : list.tasks) weight_sum += task.weight;
  json out = json::object();
  if (weight_sum == 0) return out;
  std::map<std::string, std::pair<double, const Task*>> by_name;
  for (const Task& task : list.tasks) {
    const std::string& name = task.task_set ? task.task_set->name() : task.name;
    auto& [weight, first] = by_name.try_emplace(name, 0.0, &task).first->second;
    weight += task.weight;
  }
  for (const auto& [name, weighted] : by_name) {
    const double ratio = weighted.first * scale / weight_sum;
    json node = {{"ratio", ratio}};
    if (const auto& set = weighted.second->task_set)
      node["tasks"] = task_list_ratio(set->tasks(), total, ratio);
    out[name] = node;
  }
  return out;
}

json classes_ratio(const std::vector<UserClass>& classes,
                   const std::map<std::string, double>& running, bool total) {
  double users = 0;
  for (const auto& [name, count] : running) users += count;
  if (users == 0) users = 1;  // Locust: `sum(...) or 1`
  json out = json::object();
  for (const UserClass& user_class : classes) {
    const auto it = running.find(user_class.name());
    const double ratio = (it == running.end() ? 0 : it->second) / users;
    out[user_class.name()] = {{"ratio", ratio},
                              {"tasks", task_list_ratio(user_class.tasks(), total, ratio)}};
  }
  return out;
}

}  // namespace

std::map<std::string, double> ratio_basis(const std::vector<UserClass>& classes,
                                          const std::map<std::string, std::int64_t>& running) {
  std::map<std::string, double> basis;
  for (const auto& [name, count] : running) {
    if (count > 0) basis[name] = static_cast<double>(count);
  }
  if (!basis.empty()) return basis;
  for (const UserClass& user_class : classes) {
    basis[user_class.name()] = user_class.fixed_count() > 0
                                   ? static_cast<double>(user_class.fixed_count())
                                   : user_class.weight();
  }
  return basis;
}

std::string task_ratio_json(const std::vector<UserClass>& classes,
                            const std::map<std::string, double>& running_per_class) {
  const json body = {{"per_class", classes_ratio(classes, running_per_class, false)},
                     {"total", classes_ratio(classes, running_per_class, true)}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace cicada::web
