#include "cicada/runner/users_dispatcher.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "kl_sequence.hpp"

namespace cicada {

std::int64_t Distribution::total() const {
  std::int64_t sum = 0;
  for (const auto& row : counts) sum = std::accumulate(row.begin(), row.end(), sum);
  return sum;
}

std::int64_t Distribution::class_total(std::size_t class_index) const {
  std::int64_t sum = 0;
  for (const auto& row : counts) sum += row.at(class_index);
  return sum;
}

const std::vector<std::int64_t>* Distribution::worker(const std::string& worker_id) const {
  for (std::size_t i = 0; i < worker_ids.size(); ++i) {
    if (worker_ids[i] == worker_id) return &counts[i];
  }
  return nullptr;
}

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

UsersDispatcher::UsersDispatcher(std::vector<std::string> worker_ids,
                                 std::vector<DispatchUserClass> classes)
    : classes_(std::move(classes)), workers_(std::move(worker_ids)) {
  std::sort(classes_.begin(), classes_.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  if (classes_.size() > UINT16_MAX) throw std::invalid_argument("too many user classes");
  class_enabled_.assign(classes_.size(), true);
  class_totals_.assign(classes_.size(), 0);
  sort_workers();
  counts_.assign(workers_.size() * classes_.size(), 0);
  reset_generator();
}

UsersDispatcher::~UsersDispatcher() = default;
UsersDispatcher::UsersDispatcher(UsersDispatcher&&) noexcept = default;
UsersDispatcher& UsersDispatcher::operator=(UsersDispatcher&&) noexcept = default;

void UsersDispatcher::sort_workers() {
  std::sort(workers_.begin(), workers_.end());
  std::unordered_map<std::string, std::size_t> seen_per_host;
  std::vector<std::pair<std::size_t, std::string>> keyed;
  keyed.reserve(workers_.size());
  for (const auto& id : workers_) keyed.emplace_back(seen_per_host[host_of(id)]++, id);
  std::sort(keyed.begin(), keyed.end());
  for (std::size_t i = 0; i < keyed.size(); ++i) workers_[i] = std::move(keyed[i].second);
}

void UsersDispatcher::reset_generator() {
  // Users already placed keep their classes: copy them out of the old sequence.
  pin_stack_classes();
  // One candidate per class, in name order; fixed and disabled classes weigh 0
  // and are never picked, so a candidate index is a class index.
  std::vector<double> weights(classes_.size(), 0.0);
  for (std::size_t c = 0; c < classes_.size(); ++c) {
    if (class_enabled_[c] && classes_[c].fixed_count == 0) weights[c] = classes_[c].weight;
  }
  weighted_ = std::make_unique<detail::KlSequence>(std::move(weights));
  weighted_position_ = 0;
  fixed_queue_.clear();
  fixed_position_ = 0;
}

void UsersDispatcher::pin_stack_classes() {
  if (!weighted_ || active_users_ == 0) return;
  std::vector<std::uint16_t> classes;
  classes.reserve(active_users_);
  for (std::size_t r = 0; r < runs_.size(); ++r) {
    const Run& run = runs_[r];
    const std::size_t end = r + 1 < runs_.size() ? runs_[r + 1].user_begin : active_users_;
    const std::size_t length = end - run.user_begin;
    const std::uint16_t* source = run.weighted ? weighted_->picks(run.source_begin + length).data()
                                               : explicit_classes_.data();
    classes.insert(classes.end(), source + run.source_begin, source + run.source_begin + length);
  }
  for (Run& run : runs_) {
    run.weighted = false;
    run.source_begin = run.user_begin;
  }
  explicit_classes_ = std::move(classes);
}

void UsersDispatcher::plan_fixed() {
  // Locust: whenever the flag is up, plan the picks that bring every fixed
  // class to its count, and serve them before anything else.
  try_dispatch_fixed_ = false;
  std::vector<std::pair<double, std::size_t>> missing;
  std::int64_t total_missing = 0;
  for (std::size_t c = 0; c < classes_.size(); ++c) {
    if (!class_enabled_[c] || classes_[c].fixed_count == 0) continue;
    const std::int64_t miss = classes_[c].fixed_count - class_totals_[c];
    if (miss > 0) {
      missing.emplace_back(static_cast<double>(miss), c);
      total_missing += miss;
    }
  }
  fixed_queue_.clear();
  fixed_position_ = 0;
  std::vector<std::int64_t> picks(missing.size(), 0);
  for (std::int64_t i = 0; i < total_missing; ++i) {
    fixed_queue_.push_back(static_cast<std::uint16_t>(*kl_pick(missing, picks, classes_)));
  }
}

void UsersDispatcher::begin_run(bool weighted, std::size_t source_begin) {
  if (!runs_.empty()) {
    // The last run already reaches here if its cursor and source line up.
    const Run& last = runs_.back();
    const std::size_t offset = active_users_ - last.user_begin;
    if (last.weighted == weighted && last.source_begin + offset == source_begin &&
        (last.cursor_begin + offset) % workers_.size() == worker_cursor_) {
      return;
    }
  }
  runs_.push_back(Run{active_users_, worker_cursor_, weighted, source_begin});
}

void UsersDispatcher::place_fixed(std::uint16_t class_index) {
  begin_run(false, explicit_classes_.size());
  explicit_classes_.push_back(class_index);
  ++counts_[worker_cursor_ * classes_.size() + class_index];
  ++class_totals_[class_index];
  ++active_users_;
  worker_cursor_ = worker_cursor_ + 1 == workers_.size() ? 0 : worker_cursor_ + 1;
}

std::int64_t UsersDispatcher::place_users(std::int64_t count) {
  if (workers_.empty() || count <= 0) return 0;
  std::int64_t placed = 0;
  while (placed < count) {
    if (fixed_position_ == fixed_queue_.size() && try_dispatch_fixed_) plan_fixed();
    if (fixed_position_ < fixed_queue_.size()) {
      place_fixed(fixed_queue_[fixed_position_++]);
      ++placed;
      continue;
    }
    if (weighted_->empty()) break;  // only fixed classes, all at their counts
    // The bulk of a ramp: picks straight from the generated sequence, each
    // worker taking the next in turn, counted in one pass.
    const auto wanted = static_cast<std::size_t>(count - placed);
    begin_run(true, weighted_position_);
    const std::uint16_t* picks = weighted_->picks(weighted_position_ + wanted).data();
    picks += weighted_position_;
    const std::size_t class_count = classes_.size();
    std::int64_t* row = counts_.data() + worker_cursor_ * class_count;
    std::int64_t* const table_end = counts_.data() + counts_.size();
    for (std::size_t i = 0; i < wanted; ++i) {
      ++row[picks[i]];
      ++class_totals_[picks[i]];
      row += class_count;
      if (row == table_end) row = counts_.data();
    }
    worker_cursor_ = static_cast<std::size_t>(row - counts_.data()) / class_count;
    weighted_position_ += wanted;
    active_users_ += wanted;
    placed += static_cast<std::int64_t>(wanted);
  }
  return placed;
}

void UsersDispatcher::new_dispatch(std::int64_t target_user_count, double spawn_rate,
                                   const std::optional<std::vector<std::string>>& user_classes) {
  if (user_classes) {
    std::vector<bool> enabled(classes_.size(), false);
    for (std::size_t c = 0; c < classes_.size(); ++c) {
      enabled[c] = std::find(user_classes->begin(), user_classes->end(), classes_[c].name) !=
                   user_classes->end();
    }
    if (enabled != class_enabled_) {
      class_enabled_ = std::move(enabled);
      reset_generator();
    }
  }
  target_user_count_ = target_user_count;
  users_per_iteration_ =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(spawn_rate)));
  wait_between_dispatch_ = static_cast<double>(users_per_iteration_) / spawn_rate;
  current_user_count_ =
      std::accumulate(class_totals_.begin(), class_totals_.end(), std::int64_t{0});
  phase_ = Phase::kStart;
}

void UsersDispatcher::add_users() {
  const std::int64_t iteration_target =
      std::min(current_user_count_ + users_per_iteration_, target_user_count_);
  const std::int64_t wanted = iteration_target - current_user_count_;
  if (wanted <= 0 || workers_.empty()) return;
  const std::int64_t placed = place_users(wanted);
  current_user_count_ += placed;
  if (placed < wanted) no_user_to_spawn_ = true;
}

void UsersDispatcher::remove_users() {
  if (workers_.empty()) return;
  const std::int64_t iteration_target =
      std::max(current_user_count_ - users_per_iteration_, target_user_count_);
  const std::size_t worker_count = workers_.size();
  while (active_users_ > 0) {
    const std::size_t index = --active_users_;
    const Run& run = runs_.back();
    const std::size_t offset = index - run.user_begin;
    const std::size_t worker = (run.cursor_begin + offset) % worker_count;
    std::uint16_t class_index = 0;
    if (run.weighted) {
      class_index = weighted_->picks(run.source_begin + offset + 1)[run.source_begin + offset];
    } else {
      class_index = explicit_classes_[run.source_begin + offset];
      explicit_classes_.pop_back();  // explicit classes are kept in stack order
    }
    if (offset == 0) runs_.pop_back();
    --counts_[worker * classes_.size() + class_index];
    --class_totals_[class_index];
    --current_user_count_;
    try_dispatch_fixed_ = true;
    if (current_user_count_ == 0 || current_user_count_ <= iteration_target) return;
  }
}

UsersDispatcher::Step UsersDispatcher::dispatch_step() const {
  Step step;
  step.kind = Step::Kind::kDispatch;
  step.distribution = current_distribution();
  return step;
}

UsersDispatcher::Step UsersDispatcher::next(double now_seconds) {
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

void UsersDispatcher::add_worker(const std::string& worker_id) {
  workers_.push_back(worker_id);
  sort_workers();
  prepare_rebalance();
}

void UsersDispatcher::remove_worker(const std::string& worker_id) {
  workers_.erase(std::remove(workers_.begin(), workers_.end(), worker_id), workers_.end());
  if (workers_.empty()) return;
  prepare_rebalance();
}

void UsersDispatcher::prepare_rebalance() {
  // Redistribute the current users from scratch over the new set of workers,
  // with fresh generators that later iterations continue from. The weighted
  // picks are the same sequence again: only the counting is redone.
  counts_.assign(workers_.size() * classes_.size(), 0);
  class_totals_.assign(classes_.size(), 0);
  try_dispatch_fixed_ = true;
  weighted_position_ = 0;
  fixed_queue_.clear();
  fixed_position_ = 0;
  worker_cursor_ = 0;
  active_users_ = 0;
  runs_.clear();
  explicit_classes_.clear();
  place_users(current_user_count_);
  rebalance_ = true;
}

Distribution UsersDispatcher::current_distribution() const {
  Distribution distribution;
  distribution.worker_ids = workers_;
  for (const auto& user_class : classes_) distribution.class_names.push_back(user_class.name);
  distribution.counts.reserve(workers_.size());
  const std::size_t class_count = classes_.size();
  for (std::size_t w = 0; w < workers_.size(); ++w) {
    const auto row = counts_.begin() + static_cast<std::ptrdiff_t>(w * class_count);
    distribution.counts.emplace_back(row, row + static_cast<std::ptrdiff_t>(class_count));
  }
  return distribution;
}

}  // namespace cicada
