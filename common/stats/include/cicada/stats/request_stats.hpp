#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cicada/core/clock.hpp"
#include "cicada/stats/stats_entry.hpp"
#include "cicada/stats/stats_error.hpp"

namespace cicada::proto {
struct StatsReport;
}

namespace cicada::stats {

/// One point of the charts' history (Locust's `stats.history`), every 5 s.
struct HistorySample {
  double timestamp = 0;  ///< Unix seconds
  std::int64_t user_count = 0;
  double current_rps = 0;
  double current_fail_per_sec = 0;
  std::optional<std::int64_t> response_time_percentile_50_ms;
  std::optional<std::int64_t> response_time_percentile_95_ms;
  double total_avg_response_time_ms = 0;
};

/// Open-model iterations of one user class (see cicada::ArrivalRate).
struct IterationCount {
  std::int64_t started = 0;
  std::int64_t dropped = 0;  ///< due while every user the class may have was busy
};

/// All request statistics of a runner: one StatsEntry per (name, method), the
/// Aggregated total, the failures table and the chart history (Locust's
/// RequestStats). Entry references stay valid until `clear_all()`, so a task
/// can look its entry up once and keep it.
///
/// Not thread-safe: owned by the runner's event loop.
class RequestStats {
 public:
  /// `keep_percentile_window`: keep per-second snapshots for "current"
  /// percentiles (standalone and master; workers do not need them).
  explicit RequestStats(const Clock& clock, bool keep_percentile_window = true);

  /// The entry for (name, method), created on first use.
  StatsEntry& entry(std::string_view name, std::string_view method);
  /// The entry if it exists.
  const StatsEntry* find(std::string_view name, std::string_view method) const;

  /// Records one request on its entry and on the total. `error` set means the
  /// request failed; it is counted in the failures table too.
  /// `expected_interval_us` (paced work) also records what coordinated omission hid.
  void log_request(StatsEntry& entry, std::optional<std::uint64_t> response_time_us,
                   std::int64_t content_length_bytes, const std::string* error = nullptr,
                   std::optional<std::uint64_t> expected_interval_us = std::nullopt);
  void log_request(std::string_view method, std::string_view name,
                   std::optional<std::uint64_t> response_time_us, std::int64_t content_length_bytes,
                   const std::string* error = nullptr,
                   std::optional<std::uint64_t> expected_interval_us = std::nullopt);

  const StatsEntry& total() const { return *total_; }
  /// Entries in creation order (Locust's dict order).
  const std::vector<StatsEntry*>& entries() const { return entries_in_order_; }
  /// Entries sorted by (name, method), as Locust's tables and CSV list them.
  std::vector<const StatsEntry*> sorted_entries() const;
  /// Failures keyed by Locust's error key.
  const std::unordered_map<std::string, StatsError>& errors() const { return errors_; }
  /// Failures in the order they first happened (Locust's console error report order).
  std::vector<const StatsError*> errors_in_order() const;
  const std::vector<HistorySample>& history() const { return history_; }

  /// Counts one open-model iteration of a class, started or dropped.
  void log_iteration(std::string_view class_name, bool started);
  /// Iterations per open-model class name; empty when none ran.
  const std::map<std::string, IterationCount, std::less<>>& iterations() const {
    return iterations_;
  }

  /// Zeroes every entry, the total, the errors and the history; entries stay.
  void reset_all();
  /// Forgets every entry and error (a new test starting).
  void clear_all();

  /// A worker's report of everything since the last one; the entries and
  /// errors are reset afterwards (Locust's get_stripped_report).
  proto::StatsReport take_report();
  /// Merges a worker's report (what the master does with each `stats` message).
  void merge_report(const proto::StatsReport& report);

  /// Appends a history sample for now.
  void sample_history(std::int64_t user_count);

  const Clock& clock() const { return clock_; }
  double now() const { return clock_.now_seconds(); }

 private:
  using Key = std::pair<std::string, std::string>;  // (name, method): sorts like Locust
  using KeyView = std::pair<std::string_view, std::string_view>;
  /// Compares keys and key views alike, so a lookup by (name, method) views
  /// allocates nothing: the request listener does one per request.
  struct KeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return KeyView(a.first, a.second) < KeyView(b.first, b.second);
    }
  };

  void record_error(const std::string& method, const std::string& name, const std::string& error,
                    std::int64_t occurrences, std::optional<double> first_seen,
                    std::optional<double> last_seen);
  void add_error(const std::string& key, const StatsError& error);

  const Clock& clock_;
  bool keep_percentile_window_;
  std::map<Key, std::unique_ptr<StatsEntry>, KeyLess> entries_;
  std::vector<StatsEntry*> entries_in_order_;
  std::unique_ptr<StatsEntry> total_;
  std::unordered_map<std::string, StatsError> errors_;
  std::vector<std::string> error_order_;  // keys of errors_, first occurrence first
  // (method, name, error) -> error key, so a repeated failure hashes once.
  std::unordered_map<std::string, std::string> error_keys_;
  std::vector<HistorySample> history_;
  std::map<std::string, IterationCount, std::less<>> iterations_;
};

}  // namespace cicada::stats
