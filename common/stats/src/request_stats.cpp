#include "cicada/stats/request_stats.hpp"

#include <algorithm>

#include "cicada/proto/stats_report.hpp"

namespace cicada::stats {

RequestStats::RequestStats(const Clock& clock, bool keep_percentile_window)
    : clock_(clock),
      keep_percentile_window_(keep_percentile_window),
      total_(std::make_unique<StatsEntry>("Aggregated", "", clock.now_seconds(),
                                          keep_percentile_window)) {}

StatsEntry& RequestStats::entry(std::string_view name, std::string_view method) {
  auto it = entries_.find(KeyView(name, method));
  if (it == entries_.end()) {
    Key key{std::string(name), std::string(method)};
    auto created =
        std::make_unique<StatsEntry>(key.first, key.second, now(), keep_percentile_window_);
    entries_in_order_.push_back(created.get());
    it = entries_.emplace(std::move(key), std::move(created)).first;
  }
  return *it->second;
}

const StatsEntry* RequestStats::find(std::string_view name, std::string_view method) const {
  auto it = entries_.find(KeyView(name, method));
  return it == entries_.end() ? nullptr : it->second.get();
}

void RequestStats::log_request(StatsEntry& entry, std::optional<std::uint64_t> response_time_us,
                               std::int64_t content_length_bytes, const std::string* error,
                               std::optional<std::uint64_t> expected_interval_us) {
  const double timestamp = now();
  total_->log(response_time_us, content_length_bytes, timestamp);
  entry.log(response_time_us, content_length_bytes, timestamp);
  if (response_time_us && expected_interval_us) {
    total_->log_paced(*response_time_us, *expected_interval_us);
    entry.log_paced(*response_time_us, *expected_interval_us);
  }
  if (error == nullptr) return;
  total_->log_error(timestamp);
  entry.log_error(timestamp);
  record_error(entry.method(), entry.name(), *error, 1, timestamp, timestamp);
}

void RequestStats::log_request(std::string_view method, std::string_view name,
                               std::optional<std::uint64_t> response_time_us,
                               std::int64_t content_length_bytes, const std::string* error,
                               std::optional<std::uint64_t> expected_interval_us) {
  log_request(entry(name, method), response_time_us, content_length_bytes, error,
              expected_interval_us);
}

void RequestStats::record_error(const std::string& method, const std::string& name,
                                const std::string& error, std::int64_t occurrences,
                                std::optional<double> first_seen, std::optional<double> last_seen) {
  std::string identity;
  identity.reserve(method.size() + name.size() + error.size() + 2);
  identity.append(method).push_back('\0');
  identity.append(name).push_back('\0');
  identity.append(error);
  auto key_it = error_keys_.find(identity);
  if (key_it == error_keys_.end()) {
    key_it = error_keys_.emplace(std::move(identity), locust_error_key(method, name, error)).first;
  }
  add_error(key_it->second, StatsError{method, name, error, occurrences, first_seen, last_seen});
}

void RequestStats::add_error(const std::string& key, const StatsError& error) {
  auto [it, inserted] = errors_.try_emplace(key, error);
  if (inserted) {
    error_order_.push_back(key);
    return;
  }
  StatsError& row = it->second;
  row.occurrences += error.occurrences;
  if (error.first_seen) {
    row.first_seen =
        row.first_seen ? std::min(*row.first_seen, *error.first_seen) : *error.first_seen;
  }
  if (error.last_seen) {
    row.last_seen = row.last_seen ? std::max(*row.last_seen, *error.last_seen) : *error.last_seen;
  }
}

std::vector<const StatsError*> RequestStats::errors_in_order() const {
  std::vector<const StatsError*> ordered;
  ordered.reserve(error_order_.size());
  for (const auto& key : error_order_) ordered.push_back(&errors_.at(key));
  return ordered;
}

std::vector<const StatsEntry*> RequestStats::sorted_entries() const {
  std::vector<const StatsEntry*> sorted;
  sorted.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) sorted.push_back(entry.get());
  return sorted;
}

void RequestStats::reset_all() {
  const double timestamp = now();
  total_->reset(timestamp);
  for (auto* entry : entries_in_order_) entry->reset(timestamp);
  errors_.clear();
  error_order_.clear();
  history_.clear();
  for (auto& [name, count] : iterations_) count = IterationCount{};
}

void RequestStats::clear_all() {
  total_ = std::make_unique<StatsEntry>("Aggregated", "", now(), keep_percentile_window_);
  entries_.clear();
  entries_in_order_.clear();
  errors_.clear();
  error_order_.clear();
  error_keys_.clear();
  history_.clear();
  iterations_.clear();
}

void RequestStats::log_iteration(std::string_view class_name, bool started) {
  auto it = iterations_.find(class_name);
  if (it == iterations_.end()) it = iterations_.emplace(std::string(class_name), IterationCount{}).first;
  ++(started ? it->second.started : it->second.dropped);
}

proto::StatsReport RequestStats::take_report() {
  const double timestamp = now();
  proto::StatsReport report;
  for (auto* entry : entries_in_order_) {
    if (entry->num_requests() == 0 && entry->num_failures() == 0) continue;
    report.stats.push_back(entry->to_report());
    entry->reset(timestamp);
  }
  report.stats_total = total_->to_report();
  total_->reset(timestamp);
  for (const auto& [key, error] : errors_) {
    report.errors.push_back(proto::StatsErrorReport{key, error.name, error.method, error.error,
                                                    error.occurrences, error.first_seen,
                                                    error.last_seen});
  }
  errors_.clear();
  error_order_.clear();
  for (auto& [name, count] : iterations_) {
    if (count.started == 0 && count.dropped == 0) continue;
    report.cicada_iterations.push_back({name, count.started, count.dropped});
    count = IterationCount{};
  }
  return report;
}

void RequestStats::merge_report(const proto::StatsReport& report) {
  for (const auto& received : report.stats) entry(received.name, received.method).extend(received);
  total_->extend(report.stats_total);
  for (const auto& error : report.errors) {
    add_error(error.key, StatsError{error.method, error.name, error.error, error.occurrences,
                                    error.first_seen, error.last_seen});
  }
  for (const auto& row : report.cicada_iterations) {
    IterationCount& count = iterations_[row.class_name];
    count.started += row.started;
    count.dropped += row.dropped;
  }
}

void RequestStats::sample_history(std::int64_t user_count) {
  const double timestamp = now();
  HistorySample sample;
  sample.timestamp = timestamp;
  sample.user_count = user_count;
  sample.current_rps = total_->current_rps(*total_);
  sample.current_fail_per_sec = total_->current_fail_per_sec(*total_);
  sample.response_time_percentile_50_ms =
      total_->current_response_time_percentile_ms(0.5, timestamp);
  sample.response_time_percentile_95_ms =
      total_->current_response_time_percentile_ms(0.95, timestamp);
  sample.total_avg_response_time_ms = total_->avg_response_time_ms();
  history_.push_back(sample);
}

}  // namespace cicada::stats
