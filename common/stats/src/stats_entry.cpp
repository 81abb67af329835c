#include "cicada/stats/stats_entry.hpp"

#include <algorithm>
#include <cmath>

#include "cicada/proto/stats_report.hpp"

namespace cicada::stats {
namespace {

// Per-second counters older than this (relative to the newest) are dropped:
// the current-rate window needs 13 s, and workers report every 3 s.
constexpr std::int64_t kKeptSeconds = 60;
// Locust keeps CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW + 10 snapshots.
constexpr std::size_t kSnapshotsKept = 20;
constexpr std::int64_t kPercentileWindowSeconds = 10;

std::int64_t whole_second(double seconds) {
  return static_cast<std::int64_t>(std::floor(seconds));
}

double ms(std::uint64_t us) {
  return static_cast<double>(us) / 1000.0;
}

std::uint64_t us_from_ms(double milliseconds) {
  if (!(milliseconds > 0)) return 0;  // negatives and NaN from a peer count as 0
  const double us = std::round(milliseconds * 1000.0);
  return us >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(us);
}

}  // namespace

StatsEntry::StatsEntry(std::string name, std::string method, double now_seconds,
                       bool keep_percentile_window)
    : name_(std::move(name)),
      method_(std::move(method)),
      keep_percentile_window_(keep_percentile_window) {
  reset(now_seconds);
}

void StatsEntry::reset(double now_seconds) {
  num_requests_ = 0;
  num_none_requests_ = 0;
  num_failures_ = 0;
  total_response_time_us_ = 0;
  min_response_time_us_.reset();
  max_response_time_us_ = 0;
  total_content_length_ = 0;
  start_time_ = now_seconds;
  last_request_timestamp_.reset();
  response_times_.clear();
  histogram_.clear();
  paced_requests_ = 0;
  omitted_.clear();
  per_second_.clear();
  snapshots_.clear();
  if (keep_percentile_window_) snapshot(whole_second(now_seconds));
}

void StatsEntry::log(std::optional<std::uint64_t> response_time_us,
                     std::int64_t content_length_bytes, double now_seconds) {
  const std::int64_t second = whole_second(now_seconds);
  if (keep_percentile_window_ && last_request_timestamp_ &&
      second > whole_second(*last_request_timestamp_)) {
    snapshot(second - 1);  // the state at the end of the previous second
  }
  ++num_requests_;
  count_second(second, 1, 0);
  last_request_timestamp_ = now_seconds;
  total_content_length_ += content_length_bytes;
  if (!response_time_us) {
    ++num_none_requests_;
    return;
  }
  const std::uint64_t us = *response_time_us;
  total_response_time_us_ += us;
  min_response_time_us_ = min_response_time_us_ ? std::min(*min_response_time_us_, us) : us;
  max_response_time_us_ = std::max(max_response_time_us_, us);
  response_times_.record(us);
  histogram_.record(us);
}

void StatsEntry::log_error(double now_seconds) {
  ++num_failures_;
  count_second(whole_second(now_seconds), 0, 1);
}

void StatsEntry::count_second(std::int64_t second, std::int64_t requests, std::int64_t failures) {
  if (per_second_.empty() || second > per_second_.back().second) {
    per_second_.push_back(SecondCount{second, requests, failures});
    while (per_second_.front().second < second - kKeptSeconds) per_second_.pop_front();
    return;
  }
  // Same second (the common case), or an older one from a merged report.
  auto it = std::lower_bound(per_second_.begin(), per_second_.end(), second,
                             [](const SecondCount& c, std::int64_t s) { return c.second < s; });
  if (it == per_second_.end() || it->second != second) {
    it = per_second_.insert(it, SecondCount{second, 0, 0});
  }
  it->requests += requests;
  it->failures += failures;
}

void StatsEntry::snapshot(std::int64_t second) {
  if (!snapshots_.empty() && snapshots_.back().second == second) snapshots_.pop_back();
  snapshots_.push_back(Snapshot{second, response_times_, num_timed_requests()});
  while (snapshots_.size() > kSnapshotsKept) snapshots_.pop_front();
}

void StatsEntry::extend(const StatsEntry& other) {
  const auto old_last = last_request_timestamp_;
  if (other.last_request_timestamp_) {
    last_request_timestamp_ =
        last_request_timestamp_ ? std::max(*last_request_timestamp_, *other.last_request_timestamp_)
                                : *other.last_request_timestamp_;
  }
  start_time_ = std::min(start_time_, other.start_time_);
  num_requests_ += other.num_requests_;
  num_none_requests_ += other.num_none_requests_;
  num_failures_ += other.num_failures_;
  total_response_time_us_ += other.total_response_time_us_;
  max_response_time_us_ = std::max(max_response_time_us_, other.max_response_time_us_);
  if (other.min_response_time_us_) {
    min_response_time_us_ = min_response_time_us_
                                ? std::min(*min_response_time_us_, *other.min_response_time_us_)
                                : *other.min_response_time_us_;
  }
  total_content_length_ += other.total_content_length_;
  response_times_.merge(other.response_times_);
  histogram_.merge(other.histogram_);
  paced_requests_ += other.paced_requests_;
  omitted_.merge(other.omitted_);
  for (const auto& count : other.per_second_)
    count_second(count.second, count.requests, count.failures);
  if (keep_percentile_window_ && last_request_timestamp_) {
    const std::int64_t last = whole_second(*last_request_timestamp_);
    if (last > (old_last ? whole_second(*old_last) : 0)) snapshot(last);
  }
}

void StatsEntry::extend(const proto::StatsEntryReport& report) {
  // Straight into this entry: a master merges thousands of these a second, so
  // no temporary entry and no dense histogram per report.
  const auto old_last = last_request_timestamp_;
  if (report.last_request_timestamp) {
    last_request_timestamp_ =
        last_request_timestamp_ ? std::max(*last_request_timestamp_, *report.last_request_timestamp)
                                : *report.last_request_timestamp;
  }
  start_time_ = std::min(start_time_, report.start_time);
  num_requests_ += report.num_requests;
  num_none_requests_ += report.num_none_requests;
  num_failures_ += report.num_failures;
  total_response_time_us_ += us_from_ms(proto::to_double(report.total_response_time));
  max_response_time_us_ =
      std::max(max_response_time_us_, us_from_ms(proto::to_double(report.max_response_time)));
  if (report.min_response_time) {
    const std::uint64_t min_us = us_from_ms(proto::to_double(*report.min_response_time));
    min_response_time_us_ =
        min_response_time_us_ ? std::min(*min_response_time_us_, min_us) : min_us;
  }
  total_content_length_ += report.total_content_length;
  for (const auto& bucket : report.response_times) {
    response_times_.record_bucket(bucket.key, bucket.count);
  }
  // A cicada worker sends its precise histogram; for a Locust worker the
  // rounded buckets are the best there is.
  if (!report.cicada_histogram || !histogram_.merge_encoded(*report.cicada_histogram)) {
    for (const auto& bucket : report.response_times) {
      if (bucket.key >= 0 && bucket.count > 0) {
        const auto key_ms =
            std::min(static_cast<std::uint64_t>(bucket.key), LatencyHistogram::kMaxValueUs / 1000);
        histogram_.record(key_ms * 1000, static_cast<std::uint64_t>(bucket.count));
      }
    }
  }
  paced_requests_ += std::max<std::int64_t>(0, report.cicada_paced_requests);
  if (report.cicada_omitted_histogram) omitted_.merge_encoded(*report.cicada_omitted_histogram);
  for (const auto& bucket : report.num_reqs_per_sec) count_second(bucket.key, bucket.count, 0);
  for (const auto& bucket : report.num_fail_per_sec) count_second(bucket.key, 0, bucket.count);
  if (keep_percentile_window_ && last_request_timestamp_) {
    const std::int64_t last = whole_second(*last_request_timestamp_);
    if (last > (old_last ? whole_second(*old_last) : 0)) snapshot(last);
  }
}

proto::StatsEntryReport StatsEntry::to_report() const {
  proto::StatsEntryReport report;
  report.name = name_;
  report.method = method_;
  report.last_request_timestamp = last_request_timestamp_;
  report.start_time = start_time_;
  report.num_requests = num_requests_;
  report.num_none_requests = num_none_requests_;
  report.num_failures = num_failures_;
  report.total_response_time = ms(total_response_time_us_);
  report.max_response_time = ms(max_response_time_us_);
  if (min_response_time_us_) report.min_response_time = ms(*min_response_time_us_);
  report.total_content_length = total_content_length_;
  for (const auto& [bucket, count] : response_times_.to_pairs()) {
    report.response_times.push_back({bucket, count});
  }
  for (const auto& count : per_second_) {
    if (count.requests != 0) report.num_reqs_per_sec.push_back({count.second, count.requests});
    if (count.failures != 0) report.num_fail_per_sec.push_back({count.second, count.failures});
  }
  if (!histogram_.empty()) report.cicada_histogram = histogram_.encode();
  report.cicada_paced_requests = paced_requests_;
  if (!omitted_.empty()) report.cicada_omitted_histogram = omitted_.encode();
  return report;
}

double StatsEntry::fail_ratio() const {
  if (num_requests_ == 0) return num_failures_ > 0 ? 1.0 : 0.0;
  return static_cast<double>(num_failures_) / static_cast<double>(num_requests_);
}

double StatsEntry::avg_response_time_ms() const {
  const std::int64_t timed = num_timed_requests();
  return timed == 0 ? 0.0 : ms(total_response_time_us_) / static_cast<double>(timed);
}

double StatsEntry::min_response_time_ms() const {
  return min_response_time_us_ ? ms(*min_response_time_us_) : 0.0;
}

double StatsEntry::max_response_time_ms() const {
  return ms(max_response_time_us_);
}

double StatsEntry::median_response_time_ms() const {
  const auto median = response_times_.median(num_timed_requests());
  if (!median) return 0.0;
  // Buckets keep two digits; the exact min and max bound what we report.
  auto value = static_cast<double>(*median);
  if (value > max_response_time_ms()) {
    value = max_response_time_ms();
  } else if (min_response_time_us_ && value < min_response_time_ms()) {
    value = min_response_time_ms();
  }
  return value;
}

std::int64_t StatsEntry::response_time_percentile_ms(double percent) const {
  return response_times_.percentile(num_timed_requests(), percent);
}

std::uint64_t StatsEntry::precise_percentile_us(double percent) const {
  if (histogram_.empty()) return 0;
  // The ends are known exactly; the histogram only approximates what lies between.
  if (percent >= 1.0) return max_response_time_us_;
  if (percent <= 0.0) return min_response_time_us_.value_or(0);
  const std::uint64_t value = histogram_.value_at_quantile(percent);
  return std::clamp(value, min_response_time_us_.value_or(0), max_response_time_us_);
}

void StatsEntry::log_paced(std::uint64_t response_time_us, std::uint64_t expected_interval_us) {
  ++paced_requests_;
  if (expected_interval_us == 0) return;
  // A stall of hours on a millisecond schedule would be millions of samples:
  // beyond this many, one weighted sample stands for the rest.
  constexpr std::uint64_t kMaxOmittedSamples = 100'000;
  std::uint64_t recorded = 0;
  for (std::uint64_t missing = response_time_us;
       missing > expected_interval_us && recorded < kMaxOmittedSamples; ++recorded) {
    missing -= expected_interval_us;
    omitted_.record(missing);
  }
  if (recorded == kMaxOmittedSamples) {
    const std::uint64_t left = response_time_us / expected_interval_us - kMaxOmittedSamples;
    if (left > 0) omitted_.record(expected_interval_us, left);
  }
}

std::uint64_t StatsEntry::corrected_percentile_us(double percent) const {
  return corrected_percentiles_us({percent}).front();
}

std::vector<std::uint64_t> StatsEntry::corrected_percentiles_us(
    const std::vector<double>& percents) const {
  std::vector<std::uint64_t> values;
  values.reserve(percents.size());
  if (omitted_.empty()) {
    for (double percent : percents) values.push_back(precise_percentile_us(percent));
    return values;
  }
  LatencyHistogram all = histogram_;
  all.merge(omitted_);
  for (double percent : percents) {
    // Omitted samples are all shorter than the request that held them back.
    values.push_back(percent >= 1.0
                         ? max_response_time_us_
                         : std::min(all.value_at_quantile(percent), max_response_time_us_));
  }
  return values;
}

double StatsEntry::avg_content_length() const {
  return num_requests_ == 0
             ? 0.0
             : static_cast<double>(total_content_length_) / static_cast<double>(num_requests_);
}

double StatsEntry::window_average(const StatsEntry& total, bool failures) const {
  if (!total.last_request_timestamp_) return 0.0;
  const std::int64_t last = whole_second(*total.last_request_timestamp_);
  const std::int64_t first = std::max(last - 12, whole_second(total.start_time_));
  const std::int64_t end = last - 2;  // exclusive
  if (end <= first) return 0.0;
  std::int64_t sum = 0;
  for (const auto& count : per_second_) {
    if (count.second >= first && count.second < end)
      sum += failures ? count.failures : count.requests;
  }
  return static_cast<double>(sum) / static_cast<double>(end - first);
}

double StatsEntry::current_rps(const StatsEntry& total) const {
  return window_average(total, false);
}

double StatsEntry::current_fail_per_sec(const StatsEntry& total) const {
  return window_average(total, true);
}

double StatsEntry::total_rps(const StatsEntry& total) const {
  if (!total.last_request_timestamp_ || total.start_time_ == 0) return 0.0;
  const double elapsed = *total.last_request_timestamp_ - total.start_time_;
  return elapsed == 0 ? 0.0 : static_cast<double>(num_requests_) / elapsed;
}

double StatsEntry::total_fail_per_sec(const StatsEntry& total) const {
  if (!total.last_request_timestamp_ || total.start_time_ == 0) return 0.0;
  const double elapsed = *total.last_request_timestamp_ - total.start_time_;
  return elapsed == 0 ? 0.0 : static_cast<double>(num_failures_) / elapsed;
}

std::optional<std::int64_t> StatsEntry::current_response_time_percentile_ms(
    double percent, double now_seconds) const {
  const std::int64_t t = whole_second(now_seconds);
  // Preference order: t-10, then t-11, t-9, t-12, t-8, ... t-18, t-2.
  const Snapshot* cached = nullptr;
  auto find = [this](std::int64_t second) -> const Snapshot* {
    for (const auto& s : snapshots_) {
      if (s.second == second) return &s;
    }
    return nullptr;
  };
  cached = find(t - kPercentileWindowSeconds);
  for (std::int64_t i = 1; i < 9 && cached == nullptr; ++i) {
    cached = find(t - kPercentileWindowSeconds - i);
    if (cached == nullptr) cached = find(t - kPercentileWindowSeconds + i);
  }
  if (cached == nullptr) return std::nullopt;
  const ResponseTimeBuckets window = response_times_.minus(cached->response_times);
  return window.percentile(num_timed_requests() - cached->num_timed_requests, percent);
}

}  // namespace cicada::stats
