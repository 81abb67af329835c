#include "support/replay_users_dispatcher.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

namespace cicada::testing {

namespace {

std::string host_of(const std::string& worker_id) {
  return worker_id.substr(0, worker_id.find('_'));
}

// Locust's _kl_generator: the next pick minimises
// (w * log2((w + n) / (w + n + 1)), w + n + 1, w, name), i.e. the class whose
// pick most reduces the divergence from the weights, ties broken by name.
std::optional<std::size_t> kl_pick(const std::vector<std::pair<double, std::size_t>>& candidates,
                                   std::vector<std::int64_t>& picks,
                                   const std::vector<DispatchUserClass>& classes) {
  std::optional<std::size_t> best;
  std::tuple<double, double, double> best_key{};
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const double w = candidates[i].first;
    if (!(w > 0)) continue;
    const double x = w + static_cast<double>(picks[i]);
    const std::tuple<double, double, double> key{w * std::log2(x / (x + 1.0)), x + 1.0, w};
    if (!best || key < best_key ||
        (key == best_key &&
         classes[candidates[i].second].name < classes[candidates[*best].second].name)) {
      best = i;
      best_key = key;
    }
  }
  if (!best) return std::nullopt;
  ++picks[*best];
  return candidates[*best].second;
}

}  // namespace

ReplayUsersDispatcher::ReplayUsersDispatcher(std::vector<std::string> worker_ids,
                                             std::vector<DispatchUserClass> classes)
    : classes_(std::move(classes)), workers_(std::move(worker_ids)) {
  std::sort(classes_.begin(), classes_.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  class_enabled_.assign(classes_.size(), true);
  sort_workers();
  for (const auto& id : workers_) users_on_workers_[id].assign(classes_.size(), 0);
  reset_generator(generator_);
}

void ReplayUsersDispatcher::sort_workers() {
  std::sort(workers_.begin(), workers_.end());
  std::unordered_map<std::string, std::size_t> seen_per_host;
  std::vector<std::pair<std::size_t, std::string>> keyed;
  keyed.reserve(workers_.size());
  for (const auto& id : workers_) keyed.emplace_back(seen_per_host[host_of(id)]++, id);
  std::sort(keyed.begin(), keyed.end());
  for (std::size_t i = 0; i < keyed.size(); ++i) workers_[i] = keyed[i].second;
}

void ReplayUsersDispatcher::reset_generator(UserGenerator& generator) const {
  generator.weighted.clear();
  for (std::size_t c = 0; c < classes_.size(); ++c) {
    if (class_enabled_[c] && classes_[c].fixed_count == 0) {
      generator.weighted.emplace_back(classes_[c].weight, c);
    }
  }
  generator.weighted_picks.assign(generator.weighted.size(), 0);
  generator.fixed_queue.clear();
}

std::int64_t ReplayUsersDispatcher::class_count(std::size_t class_index) const {
  std::int64_t sum = 0;
  for (const auto& [id, counts] : users_on_workers_) sum += counts[class_index];
  return sum;
}

std::optional<std::size_t> ReplayUsersDispatcher::next_class(UserGenerator& generator) {
  // Fixed-count classes first: whenever the flag is up, plan the picks that
  // bring every fixed class to its count, and serve them before anything else.
  if (generator.fixed_queue.empty() && try_dispatch_fixed_) {
    try_dispatch_fixed_ = false;
    std::vector<std::pair<double, std::size_t>> missing;
    std::int64_t total_missing = 0;
    for (std::size_t c = 0; c < classes_.size(); ++c) {
      if (!class_enabled_[c] || classes_[c].fixed_count == 0) continue;
      const std::int64_t miss = classes_[c].fixed_count - class_count(c);
      if (miss > 0) {
        missing.emplace_back(static_cast<double>(miss), c);
        total_missing += miss;
      }
    }
    std::vector<std::int64_t> picks(missing.size(), 0);
    for (std::int64_t i = 0; i < total_missing; ++i) {
      generator.fixed_queue.push_back(*kl_pick(missing, picks, classes_));
    }
  }
  if (!generator.fixed_queue.empty()) {
    const std::size_t picked = generator.fixed_queue.front();
    generator.fixed_queue.pop_front();
    return picked;
  }
  return kl_pick(generator.weighted, generator.weighted_picks, classes_);
}

void ReplayUsersDispatcher::new_dispatch(
    std::int64_t target_user_count, double spawn_rate,
    const std::optional<std::vector<std::string>>& user_classes) {
  if (user_classes) {
    std::vector<bool> enabled(classes_.size(), false);
    for (std::size_t c = 0; c < classes_.size(); ++c) {
      enabled[c] = std::find(user_classes->begin(), user_classes->end(), classes_[c].name) !=
                   user_classes->end();
    }
    if (enabled != class_enabled_) {
      class_enabled_ = std::move(enabled);
      reset_generator(generator_);
    }
  }
  target_user_count_ = target_user_count;
  users_per_iteration_ =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(spawn_rate)));
  wait_between_dispatch_ = static_cast<double>(users_per_iteration_) / spawn_rate;
  current_user_count_ = 0;
  for (const auto& [id, counts] : users_on_workers_) {
    current_user_count_ += std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
  }
  phase_ = Phase::kStart;
}

void ReplayUsersDispatcher::add_users() {
  const std::int64_t iteration_target =
      std::min(current_user_count_ + users_per_iteration_, target_user_count_);
  while (current_user_count_ < iteration_target && !workers_.empty()) {
    const auto picked = next_class(generator_);
    if (!picked) {
      no_user_to_spawn_ = true;  // only fixed classes, all at their counts
      break;
    }
    const std::string& worker = workers_[worker_cursor_ % workers_.size()];
    worker_cursor_ = (worker_cursor_ + 1) % workers_.size();
    ++users_on_workers_[worker][*picked];
    ++current_user_count_;
    active_users_.emplace_back(worker, *picked);
  }
}

void ReplayUsersDispatcher::remove_users() {
  const std::int64_t iteration_target =
      std::max(current_user_count_ - users_per_iteration_, target_user_count_);
  while (!active_users_.empty()) {
    const auto [worker, class_index] = active_users_.back();
    active_users_.pop_back();
    --users_on_workers_[worker][class_index];
    --current_user_count_;
    try_dispatch_fixed_ = true;
    if (current_user_count_ == 0 || current_user_count_ <= iteration_target) return;
  }
}

ReplayUsersDispatcher::Step ReplayUsersDispatcher::dispatch_step() const {
  Step step;
  step.kind = Step::Kind::kDispatch;
  step.distribution = current_distribution();
  return step;
}

ReplayUsersDispatcher::Step ReplayUsersDispatcher::next(double now_seconds) {
  switch (phase_) {
    case Phase::kIdle:
      return Step{};
    case Phase::kStart:
      dispatch_in_progress_ = true;
      add_loop_done_ = false;
      if (rebalance_) {
        rebalance_ = false;
        // Locust leaves dispatch_in_progress set here: see the wire reference §5.7.
        phase_ = current_user_count_ == target_user_count_ ? Phase::kIdle : Phase::kLoopTop;
        return dispatch_step();
      }
      if (current_user_count_ == target_user_count_) {
        dispatch_in_progress_ = false;
        phase_ = Phase::kIdle;
        return dispatch_step();
      }
      phase_ = Phase::kLoopTop;
      return next(now_seconds);
    case Phase::kLoopTop:
      iteration_started_ = now_seconds;
      if (!add_loop_done_ && current_user_count_ < target_user_count_) {
        add_users();
        phase_ = Phase::kAfterIteration;
        return dispatch_step();
      }
      add_loop_done_ = true;
      if (current_user_count_ > target_user_count_) {
        remove_users();
        phase_ = Phase::kAfterIteration;
        return dispatch_step();
      }
      dispatch_in_progress_ = false;
      phase_ = Phase::kIdle;
      return Step{};
    case Phase::kAfterIteration:
      phase_ = Phase::kAfterRebalanceCheck;
      if (rebalance_) {
        rebalance_ = false;
        return dispatch_step();
      }
      return next(now_seconds);
    case Phase::kAfterRebalanceCheck:
      if (no_user_to_spawn_) {
        no_user_to_spawn_ = false;
        add_loop_done_ = true;
      }
      phase_ = Phase::kLoopTop;
      if (current_user_count_ != target_user_count_) {
        const double remaining = wait_between_dispatch_ - (now_seconds - iteration_started_);
        if (remaining > 0) {
          Step wait;
          wait.kind = Step::Kind::kWait;
          wait.wait_seconds = remaining;
          return wait;
        }
      }
      return next(now_seconds);
  }
  return Step{};
}

void ReplayUsersDispatcher::add_worker(const std::string& worker_id) {
  workers_.push_back(worker_id);
  sort_workers();
  prepare_rebalance();
}

void ReplayUsersDispatcher::remove_worker(const std::string& worker_id) {
  workers_.erase(std::remove(workers_.begin(), workers_.end(), worker_id), workers_.end());
  if (workers_.empty()) return;
  prepare_rebalance();
}

void ReplayUsersDispatcher::prepare_rebalance() {
  // Redistribute the current users from scratch over the new set of workers,
  // with fresh generators that later iterations continue from.
  users_on_workers_.clear();
  for (const auto& id : workers_) users_on_workers_[id].assign(classes_.size(), 0);
  try_dispatch_fixed_ = true;
  reset_generator(generator_);
  worker_cursor_ = 0;
  active_users_.clear();
  std::int64_t placed = 0;
  while (placed < current_user_count_) {
    const auto picked = next_class(generator_);
    if (!picked) break;
    const std::string& worker = workers_[worker_cursor_];
    worker_cursor_ = (worker_cursor_ + 1) % workers_.size();
    ++users_on_workers_[worker][*picked];
    ++placed;
    active_users_.emplace_back(worker, *picked);
  }
  rebalance_ = true;
}

Distribution ReplayUsersDispatcher::current_distribution() const {
  Distribution distribution;
  distribution.worker_ids = workers_;
  for (const auto& user_class : classes_) distribution.class_names.push_back(user_class.name);
  for (const auto& id : workers_) {
    auto it = users_on_workers_.find(id);
    distribution.counts.push_back(
        it != users_on_workers_.end() ? it->second : std::vector<std::int64_t>(classes_.size(), 0));
  }
  return distribution;
}

}  // namespace cicada::testing
