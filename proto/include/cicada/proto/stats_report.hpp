#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cicada/proto/envelope.hpp"
#include "cicada/proto/error.hpp"
#include "cicada/proto/value.hpp"

// The `stats` report a worker sends every 3 s, as Locust serializes it
// (shared/reference/locust-wire-protocol.md §6.1, §6.3). Numbers keep whether
// they were int or float on the wire so a report re-encodes byte for byte.

namespace cicada::proto {

/// A msgpack number: Python sends int or float depending on what the user's
/// request events carried.
using Number = std::variant<std::int64_t, double>;

double to_double(const Number& number);

/// One user class and a count of its users, in wire order.
struct ClassCount {
  std::string class_name;
  std::int64_t count = 0;
  friend bool operator==(const ClassCount&, const ClassCount&) = default;
};
using UserClassCounts = std::vector<ClassCount>;

/// An integer key and its count: response-time buckets (ms) and per-second
/// counters (epoch seconds).
struct Bucket {
  std::int64_t key = 0;
  std::int64_t count = 0;
  friend bool operator==(const Bucket&, const Bucket&) = default;
};

/// A serialized StatsEntry: one (name, method) row of deltas since the last report.
struct StatsEntryReport {
  std::string name;
  std::string method;  ///< "" for the Aggregated total (nil from Locust 2.12.1 decodes as "")
  std::optional<double> last_request_timestamp;  ///< epoch seconds
  double start_time = 0;                         ///< epoch seconds
  std::int64_t num_requests = 0;
  std::int64_t num_none_requests = 0;
  std::int64_t num_failures = 0;
  Number total_response_time = std::int64_t{0};  ///< ms
  Number max_response_time = std::int64_t{0};    ///< ms
  std::optional<Number> min_response_time;       ///< ms; nil when nothing was timed
  std::int64_t total_content_length = 0;         ///< bytes
  std::vector<Bucket> response_times;            ///< rounded ms -> count; float keys are normalised
  std::vector<Bucket> num_reqs_per_sec;          ///< epoch second -> requests
  std::vector<Bucket> num_fail_per_sec;          ///< epoch second -> failures
  /// cicada only: the precise latency histogram, encoded by the stats module.
  /// Travels under the extra key "cicada_histogram", which Locust ignores.
  std::optional<std::string> cicada_histogram;
  /// cicada only, for paced work: requests sent on a schedule, and the
  /// encoded histogram of the samples coordinated omission hid (keys
  /// "cicada_paced_requests" and "cicada_omitted_histogram").
  std::int64_t cicada_paced_requests = 0;
  std::optional<std::string> cicada_omitted_histogram;
};

/// One row of the error table: occurrences of (method, name, error) since the last report.
struct StatsErrorReport {
  std::string key;  ///< Locust's hex SHA-256 of method.name.repr(error); the master merges by it
  std::string name;
  std::string method;
  std::string error;
  std::int64_t occurrences = 0;
  std::optional<double> first_seen;  ///< epoch seconds (Locust >= 2.44)
  std::optional<double> last_seen;
};

/// cicada only: open-model iterations of one user class since the last report.
struct IterationReport {
  std::string class_name;
  std::int64_t started = 0;
  std::int64_t dropped = 0;  ///< due while every allowed user was busy
  friend bool operator==(const IterationReport&, const IterationReport&) = default;
};

/// The data of a `stats` message.
struct StatsReport {
  std::vector<StatsEntryReport> stats;
  StatsEntryReport stats_total;
  std::vector<StatsErrorReport> errors;
  UserClassCounts user_classes_count;
  std::int64_t user_count = 0;
  /// cicada only, under the key "cicada_iterations" ({class: [started, dropped]}),
  /// which Locust ignores; sent only when an open-model class ran.
  std::vector<IterationReport> cicada_iterations;
  /// Keys added by user listeners of `report_to_master`, kept in order. They
  /// precede the built-in keys on the wire, as in Locust.
  Value::Map extra;
};

Value to_value(const StatsEntryReport& entry);
Value to_value(const StatsReport& report);
Result<StatsEntryReport> stats_entry_from_value(const Value& value);
Result<StatsReport> stats_report_from_value(const Value& value);

/// Decodes a `stats` message's data straight from its msgpack bytes (as
/// split_envelope leaves them) into `report`, reusing the report's storage: a
/// master that receives the same shape of report from thousands of workers
/// allocates nothing per report. Accepts, refuses and explains exactly as
/// decode_value followed by stats_report_from_value does. On an error,
/// `report` holds no meaningful numbers.
Result<void> decode_stats_report(std::string_view data, StatsReport& report,
                                 const DecodeLimits& limits = {});

/// Reads a whole frame in one pass when it is a `stats` message the direct
/// reader takes (as Locust's workers send them): fills `report` and returns
/// the frame's node_id, a view into `frame`. Anything else (another type, or
/// a frame to be explained) returns nullopt with `report` meaningless: then
/// split_envelope and decode_stats_report have the final word, and they
/// agree with this reader on every frame it takes.
std::optional<std::string_view> read_stats_frame(std::string_view frame, StatsReport& report,
                                                 const DecodeLimits& limits = {});

}  // namespace cicada::proto
