#include "cicada/proto/stats_report.hpp"

#include <algorithm>

#include "map_reader.hpp"

namespace cicada::proto {

double to_double(const Number& number) {
  return std::visit([](auto n) { return static_cast<double>(n); }, number);
}

namespace {

Value number_value(const Number& number) {
  return std::visit([](auto n) { return Value(n); }, number);
}

template <typename Optional>
Value optional_value(const Optional& optional) {
  return optional ? Value(*optional) : Value();
}

Value buckets_value(const std::vector<Bucket>& buckets) {
  Value::Map map;
  map.reserve(buckets.size());
  for (const auto& bucket : buckets) map.push_back({Value(bucket.key), Value(bucket.count)});
  return Value(std::move(map));
}

Value class_counts_value(const UserClassCounts& counts) {
  Value::Map map;
  map.reserve(counts.size());
  for (const auto& entry : counts) map.push_back({Value(entry.class_name), Value(entry.count)});
  return Value(std::move(map));
}

constexpr std::string_view kHistogramKey = "cicada_histogram";
constexpr std::string_view kPacedRequestsKey = "cicada_paced_requests";
constexpr std::string_view kIterationsKey = "cicada_iterations";
constexpr std::string_view kOmittedKey = "cicada_omitted_histogram";

}  // namespace

Value to_value(const StatsEntryReport& entry) {
  Value value = make_map({
      {"name", entry.name},
      {"method", entry.method},
      {"last_request_timestamp", optional_value(entry.last_request_timestamp)},
      {"start_time", entry.start_time},
      {"num_requests", entry.num_requests},
      {"num_none_requests", entry.num_none_requests},
      {"num_failures", entry.num_failures},
      {"total_response_time", number_value(entry.total_response_time)},
      {"max_response_time", number_value(entry.max_response_time)},
      {"min_response_time",
       entry.min_response_time ? number_value(*entry.min_response_time) : Value()},
      {"total_content_length", entry.total_content_length},
      {"response_times", buckets_value(entry.response_times)},
      {"num_reqs_per_sec", buckets_value(entry.num_reqs_per_sec)},
      {"num_fail_per_sec", buckets_value(entry.num_fail_per_sec)},
  });
  if (entry.cicada_histogram) {
    value.as_map()->push_back(
        {Value(kHistogramKey), Value(Value::Binary{*entry.cicada_histogram})});
  }
  if (entry.cicada_paced_requests > 0) {
    value.as_map()->push_back({Value(kPacedRequestsKey), Value(entry.cicada_paced_requests)});
  }
  if (entry.cicada_omitted_histogram) {
    value.as_map()->push_back(
        {Value(kOmittedKey), Value(Value::Binary{*entry.cicada_omitted_histogram})});
  }
  return value;
}

Value to_value(const StatsReport& report) {
  Value::Map map = report.extra;
  Value::Array stats;
  stats.reserve(report.stats.size());
  for (const auto& entry : report.stats) stats.push_back(to_value(entry));
  Value::Map errors;
  errors.reserve(report.errors.size());
  for (const auto& error : report.errors) {
    Value row = make_map({{"name", error.name},
                          {"method", error.method},
                          {"error", error.error},
                          {"occurrences", error.occurrences}});
    if (error.first_seen) row.as_map()->push_back({Value("first_seen"), Value(*error.first_seen)});
    if (error.last_seen) row.as_map()->push_back({Value("last_seen"), Value(*error.last_seen)});
    errors.push_back({Value(error.key), std::move(row)});
  }
  map.push_back({Value("stats"), Value(std::move(stats))});
  map.push_back({Value("stats_total"), to_value(report.stats_total)});
  map.push_back({Value("errors"), Value(std::move(errors))});
  map.push_back({Value("user_classes_count"), class_counts_value(report.user_classes_count)});
  map.push_back({Value("user_count"), Value(report.user_count)});
  if (!report.cicada_iterations.empty()) {
    Value::Map iterations;
    for (const auto& row : report.cicada_iterations) {
      iterations.push_back(
          {Value(row.class_name), Value(Value::Array{Value(row.started), Value(row.dropped)})});
    }
    map.push_back({Value(kIterationsKey), Value(std::move(iterations))});
  }
  return Value(std::move(map));
}

namespace {

Result<StatsEntryReport> entry_from_value(const Value& value, std::string context) {
  detail::MapReader reader(value, std::move(context));
  StatsEntryReport entry;
  entry.name = reader.string("name");
  entry.method = reader.string_or_empty("method");
  entry.last_request_timestamp = reader.optional_number("last_request_timestamp");
  entry.start_time = reader.number("start_time");
  entry.num_requests = reader.integer("num_requests");
  // Added in Locust 2.x; very old workers omit it.
  entry.num_none_requests = reader.optional_integer("num_none_requests").value_or(0);
  entry.num_failures = reader.integer("num_failures");
  entry.total_response_time = reader.exact_number("total_response_time");
  entry.max_response_time = reader.exact_number("max_response_time");
  entry.min_response_time = reader.optional_exact_number("min_response_time");
  entry.total_content_length = reader.integer("total_content_length");
  entry.response_times = reader.buckets("response_times");
  entry.num_reqs_per_sec = reader.buckets("num_reqs_per_sec");
  entry.num_fail_per_sec = reader.buckets("num_fail_per_sec");
  if (const Value* histogram = reader.find(kHistogramKey)) {
    if (const auto* bytes = histogram->as_binary()) {
      entry.cicada_histogram = bytes->bytes;
    } else {
      reader.fail(kHistogramKey, "expected bytes");
    }
  }
  entry.cicada_paced_requests = reader.optional_integer(kPacedRequestsKey).value_or(0);
  if (const Value* omitted = reader.find(kOmittedKey)) {
    if (const auto* bytes = omitted->as_binary()) {
      entry.cicada_omitted_histogram = bytes->bytes;
    } else {
      reader.fail(kOmittedKey, "expected bytes");
    }
  }
  if (!reader.ok()) return tl::unexpected(reader.error());
  return entry;
}

Result<std::vector<IterationReport>> iterations_from_value(const Value& value) {
  const auto fail = [](const std::string& what) {
    return proto_error("stats." + std::string(kIterationsKey) + ": " + what);
  };
  const auto* map = value.as_map();
  if (map == nullptr) return fail("expected a dict, got " + std::string(value.type_name()));
  std::vector<IterationReport> rows;
  for (const auto& [key, counts] : *map) {
    const auto* name = key.as_string();
    const auto* pair = counts.as_array();
    if (name == nullptr || pair == nullptr || pair->size() != 2) {
      return fail("expected {class: [started, dropped]}");
    }
    const auto started = (*pair)[0].as_int();
    const auto dropped = (*pair)[1].as_int();
    if (!started || !dropped || *started < 0 || *dropped < 0) {
      return fail("counts of " + *name + " must be integers >= 0");
    }
    rows.push_back({*name, *started, *dropped});
  }
  return rows;
}

}  // namespace

Result<StatsEntryReport> stats_entry_from_value(const Value& value) {
  return entry_from_value(value, "stats entry");
}

Result<StatsReport> stats_report_from_value(const Value& value) {
  detail::MapReader reader(value, "stats");
  StatsReport report;
  if (const Value* stats = reader.require("stats")) {
    if (const auto* entries = stats->as_array()) {
      report.stats.reserve(entries->size());
      for (std::size_t i = 0; i < entries->size(); ++i) {
        auto entry = entry_from_value((*entries)[i], "stats.stats[" + std::to_string(i) + "]");
        if (!entry) return tl::unexpected(entry.error());
        report.stats.push_back(std::move(*entry));
      }
    } else {
      reader.fail("stats", "expected a list, got " + std::string(stats->type_name()));
    }
  }
  if (const Value* total = reader.require("stats_total")) {
    auto entry = entry_from_value(*total, "stats.stats_total");
    if (!entry) return tl::unexpected(entry.error());
    report.stats_total = std::move(*entry);
  }
  if (const Value* errors = reader.require("errors")) {
    if (const auto* rows = errors->as_map()) {
      for (const auto& [key, row_value] : *rows) {
        const auto* key_text = key.as_string();
        if (key_text == nullptr) {
          reader.fail("errors", "expected str keys, got " + std::string(key.type_name()));
          break;
        }
        detail::MapReader row(row_value, "stats.errors[" + *key_text + "]");
        StatsErrorReport error;
        error.key = *key_text;
        error.name = row.string("name");
        error.method = row.string_or_empty("method");
        error.error = row.string("error");
        error.occurrences = row.integer("occurrences");
        error.first_seen = row.optional_number("first_seen");
        error.last_seen = row.optional_number("last_seen");
        if (!row.ok()) return tl::unexpected(row.error());
        report.errors.push_back(std::move(error));
      }
    } else {
      reader.fail("errors", "expected a dict, got " + std::string(errors->type_name()));
    }
  }
  report.user_classes_count = reader.class_counts("user_classes_count");
  report.user_count = reader.integer("user_count");
  if (!reader.ok()) return tl::unexpected(reader.error());
  if (const Value* iterations = value.find(kIterationsKey)) {
    auto rows = iterations_from_value(*iterations);
    if (!rows) return tl::unexpected(rows.error());
    report.cicada_iterations = std::move(*rows);
  }

  constexpr std::string_view kBuiltIn[] = {
      "stats", "stats_total", "errors", "user_classes_count", "user_count", kIterationsKey};
  for (const auto& entry : *value.as_map()) {
    const auto* key = entry.key.as_string();
    const bool built_in = key != nullptr && std::find(std::begin(kBuiltIn), std::end(kBuiltIn),
                                                      *key) != std::end(kBuiltIn);
    if (!built_in) report.extra.push_back(entry);
  }
  return report;
}

}  // namespace cicada::proto
