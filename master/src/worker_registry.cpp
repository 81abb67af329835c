#include "cicada/master/worker_registry.hpp"

#include <algorithm>

namespace cicada {

std::int64_t users_of(const WorkerNode& node) {
  std::int64_t users = 0;
  for (const auto& [name, count] : node.user_classes_count) users += count;
  return users;
}

bool is_active(const WorkerNode& node) {
  return node.state == "ready" || node.state == "spawning" || node.state == "running";
}

WorkerNode* WorkerRegistry::find(std::string_view id) {
  const auto found = by_id_.find(id);
  return found == by_id_.end() ? nullptr : &found->second.node->second;
}

WorkerNode& WorkerRegistry::put(WorkerNode node) {
  const double heard_at = node.last_heartbeat_at;
  const auto [slot, inserted] = nodes_.try_emplace(node.id);
  if (inserted) {
    silence_order_.push_back(slot);
    by_id_.emplace(slot->first, Index{slot, std::prev(silence_order_.end())});
  } else {
    if (is_active(slot->second)) --active_;
    users_ -= users_of(slot->second);
  }
  slot->second = std::move(node);
  if (is_active(slot->second)) ++active_;
  users_ += users_of(slot->second);
  heard_from(slot->second, heard_at);
  return slot->second;
}

bool WorkerRegistry::erase(std::string_view id) {
  const auto found = by_id_.find(id);
  if (found == by_id_.end()) return false;
  const Index index = found->second;
  if (is_active(index.node->second)) --active_;
  users_ -= users_of(index.node->second);
  by_id_.erase(found);
  silence_order_.erase(index.in_silence_order);
  nodes_.erase(index.node);
  return true;
}

void WorkerRegistry::heard_from(WorkerNode& node, double now) {
  node.last_heartbeat_at = now;
  const auto found = by_id_.find(node.id);
  if (found == by_id_.end()) return;
  silence_order_.splice(silence_order_.end(), silence_order_, found->second.in_silence_order);
}

void WorkerRegistry::set_state(WorkerNode& node, std::string state) {
  const bool was_active = is_active(node);
  node.state = std::move(state);
  active_ += static_cast<std::int64_t>(is_active(node)) - static_cast<std::int64_t>(was_active);
}

void WorkerRegistry::set_class_counts(WorkerNode& node, const proto::UserClassCounts& reported) {
  users_ -= users_of(node);
  // Updated in place: the same classes come in every report, so nothing is allocated.
  auto& counts = node.user_classes_count;
  std::erase_if(counts, [&reported](const auto& entry) {
    return std::none_of(reported.begin(), reported.end(),
                        [&entry](const auto& row) { return row.class_name == entry.first; });
  });
  for (const auto& row : reported) counts[row.class_name] = row.count;
  users_ += users_of(node);
}

std::vector<WorkerNode*> WorkerRegistry::silent_since(double time) {
  std::vector<WorkerNode*> silent;
  for (const auto& node : silence_order_) {
    if (node->second.last_heartbeat_at >= time) break;
    silent.push_back(&node->second);
  }
  return silent;
}

}  // namespace cicada
