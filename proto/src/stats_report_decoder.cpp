// The master's hot path: a `stats` report read straight from its msgpack bytes
// into a StatsReport whose storage is reused from the last report. The general
// route (decode_value, then stats_report_from_value) builds and frees a tree of
// some 400 values per 20-endpoint report; at thousands of workers that was
// most of the master's time. Anything this reader does not expect (a repeated
// key, a missing field, a wrong type) sends the report down the general route,
// which decides, so both routes always agree (tests/unit/proto hold them to it).
#include <array>
#include <cmath>

#include "cicada/proto/messages.hpp"
#include "cicada/proto/stats_report.hpp"
#include "msgpack_cursor.hpp"

namespace cicada::proto {
namespace {

using detail::MsgpackCursor;
using detail::NumberToken;

// The conversions MapReader makes from a Value, made from a token.

std::optional<std::int64_t> integral(const NumberToken& number) {
  switch (number.kind) {
    case NumberToken::Kind::integer:
      return number.integer;
    case NumberToken::Kind::floating: {
      const double d = number.floating;
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2233720368547758e18) {
        return static_cast<std::int64_t>(d);
      }
      return std::nullopt;
    }
    case NumberToken::Kind::big_unsigned:
      break;
  }
  return std::nullopt;
}

std::optional<Number> exact(const NumberToken& number) {
  if (number.kind == NumberToken::Kind::integer) return Number{number.integer};
  if (number.kind == NumberToken::Kind::floating) return Number{number.floating};
  return std::nullopt;
}

double as_double(const NumberToken& number) {
  switch (number.kind) {
    case NumberToken::Kind::integer:
      return static_cast<double>(number.integer);
    case NumberToken::Kind::big_unsigned:
      return static_cast<double>(number.unsigned_);
    case NumberToken::Kind::floating:
      break;
  }
  return number.floating;
}

std::optional<std::int64_t> bucket_key(const NumberToken& number) {
  if (number.kind == NumberToken::Kind::integer) return number.integer;
  if (number.kind == NumberToken::Kind::floating && std::isfinite(number.floating) &&
      std::fabs(number.floating) < 9.2e18) {
    return std::llround(number.floating);
  }
  return std::nullopt;
}

// The keys this reader knows, per map; each has a bit in a `seen` mask.
enum class EntryKey {
  name,
  method,
  last_request_timestamp,
  start_time,
  num_requests,
  num_none_requests,
  num_failures,
  total_response_time,
  max_response_time,
  min_response_time,
  total_content_length,
  response_times,
  num_reqs_per_sec,
  num_fail_per_sec,
  cicada_histogram,
  cicada_paced_requests,
  cicada_omitted_histogram,
  other,
};
constexpr std::array<std::string_view, 17> kEntryKeys = {
    "name",
    "method",
    "last_request_timestamp",
    "start_time",
    "num_requests",
    "num_none_requests",
    "num_failures",
    "total_response_time",
    "max_response_time",
    "min_response_time",
    "total_content_length",
    "response_times",
    "num_reqs_per_sec",
    "num_fail_per_sec",
    "cicada_histogram",
    "cicada_paced_requests",
    "cicada_omitted_histogram",
};

enum class ReportKey {
  stats,
  stats_total,
  errors,
  user_classes_count,
  user_count,
  iterations,
  other
};
constexpr std::array<std::string_view, 6> kReportKeys = {
    "stats", "stats_total", "errors", "user_classes_count", "user_count", "cicada_iterations",
};

enum class ErrorKey { name, method, error, occurrences, first_seen, last_seen, other };
constexpr std::array<std::string_view, 6> kErrorKeys = {
    "name", "method", "error", "occurrences", "first_seen", "last_seen",
};

// Keys mostly arrive in the order Locust writes them, which `names` follows:
// `next` is where the last match ended, so the first comparison usually hits.
template <typename Key, std::size_t N>
Key key_of(std::string_view text, const std::array<std::string_view, N>& names, std::size_t& next) {
  for (std::size_t tried = 0; tried < N; ++tried) {
    const std::size_t i = (next + tried) % N;
    if (names[i] == text) {
      next = i + 1;
      return static_cast<Key>(i);
    }
  }
  return Key::other;
}

template <typename Key>
constexpr unsigned bit(Key key) {
  return 1u << static_cast<unsigned>(key);
}

template <typename Key>
constexpr unsigned bits(std::initializer_list<Key> keys) {
  unsigned mask = 0;
  for (Key key : keys) mask |= bit(key);
  return mask;
}

constexpr unsigned kRequiredEntryKeys = bits({
    EntryKey::name,
    EntryKey::method,
    EntryKey::start_time,
    EntryKey::num_requests,
    EntryKey::num_failures,
    EntryKey::total_response_time,
    EntryKey::max_response_time,
    EntryKey::total_content_length,
    EntryKey::response_times,
    EntryKey::num_reqs_per_sec,
    EntryKey::num_fail_per_sec,
});
constexpr unsigned kRequiredReportKeys =
    bits({ReportKey::stats, ReportKey::stats_total, ReportKey::errors,
          ReportKey::user_classes_count, ReportKey::user_count});
constexpr unsigned kRequiredErrorKeys =
    bits({ErrorKey::name, ErrorKey::method, ErrorKey::error, ErrorKey::occurrences});

class StatsReportDecoder {
 public:
  /// Reads from where `cursor` stands; it is left just past the report.
  StatsReportDecoder(MsgpackCursor& cursor, const DecodeLimits& limits)
      : cursor_(cursor), limits_(limits) {}

  bool report(StatsReport& out) {
    out.errors.clear();
    out.user_classes_count.clear();
    out.cicada_iterations.clear();
    out.extra.clear();
    const auto seen = known_keys<ReportKey>(
        kReportKeys, [&](ReportKey key) { return report_field(key, out); },
        [&](std::optional<std::string_view> text) { return extra(out.extra, text); });
    return seen && (*seen & kRequiredReportKeys) == kRequiredReportKeys;
  }

 private:
  // Reads one map: each known key's value by `read(key)`, any other key and
  // its value by `other(text)` (nullopt for a key that is not a str, still
  // unread). A repeated known key fails: the general route settles which one
  // counts. Returns the known keys seen, as bits.
  template <typename Key, std::size_t N, typename Read, typename Other>
  std::optional<unsigned> known_keys(const std::array<std::string_view, N>& names, Read read,
                                     Other other) {
    const auto count = cursor_.map_header();
    if (!count) return std::nullopt;
    unsigned seen = 0;
    std::size_t next_key = 0;
    for (std::uint32_t i = 0; i < *count; ++i) {
      std::optional<std::string_view> text;
      if (cursor_.next_is_str()) {
        text = cursor_.str();
        if (!text) return std::nullopt;
      }
      const Key key = text ? key_of<Key>(*text, names, next_key) : Key::other;
      if (key == Key::other) {
        if (!other(text)) return std::nullopt;
        continue;
      }
      if ((seen & bit(key)) != 0 || !read(key)) return std::nullopt;
      seen |= bit(key);
    }
    cursor_.leave_container();
    return seen;
  }

  // A key no field is read from, and its value: checked and passed over.
  bool pass_over(std::optional<std::string_view> text) {
    return (text || cursor_.skip(true)) && cursor_.skip();
  }

  bool report_field(ReportKey key, StatsReport& out) {
    switch (key) {
      case ReportKey::stats:
        return entries(out.stats);
      case ReportKey::stats_total:
        return entry(out.stats_total);
      case ReportKey::errors:
        return error_rows(out.errors);
      case ReportKey::user_classes_count:
        return class_counts(out.user_classes_count);
      case ReportKey::user_count:
        return integer(out.user_count);
      case ReportKey::iterations:
        return iterations(out.cicada_iterations);
      case ReportKey::other:
        break;
    }
    return false;
  }

  // A key the report does not define (a report_to_master listener's) is kept
  // as a Value, as the general route keeps it. `text`: the key, if a str.
  bool extra(Value::Map& out, std::optional<std::string_view> text) {
    Value key;
    if (text) {
      key = Value(*text);
    } else {
      const auto key_bytes = cursor_.skip(true);
      if (!key_bytes) return false;
      auto decoded = decode_value(*key_bytes, limits_);
      if (!decoded) return false;
      key = std::move(*decoded);
    }
    const auto value_bytes = cursor_.skip();
    if (!value_bytes) return false;
    auto value = decode_value(*value_bytes, limits_);
    if (!value) return false;
    out.push_back(KeyValue{std::move(key), std::move(*value)});
    return true;
  }

  bool entries(std::vector<StatsEntryReport>& out) {
    const auto count = cursor_.array_header();
    if (!count) return false;
    // Grown one read entry at a time, never to the size the header claims (a
    // short frame must not make us allocate for millions), and shrunk after:
    // the entries that remain keep their storage for the next report.
    for (std::uint32_t i = 0; i < *count; ++i) {
      if (i == out.size()) out.emplace_back();
      if (!entry(out[i])) return false;
    }
    out.resize(*count);
    cursor_.leave_container();
    return true;
  }

  bool entry(StatsEntryReport& out) {
    const auto read = known_keys<EntryKey>(
        kEntryKeys, [&](EntryKey key) { return entry_field(key, out); },
        [this](std::optional<std::string_view> text) { return pass_over(text); });
    if (!read) return false;
    const unsigned seen = *read;
    // Optional fields this report left out take their defaults.
    if ((seen & bit(EntryKey::last_request_timestamp)) == 0) out.last_request_timestamp.reset();
    if ((seen & bit(EntryKey::num_none_requests)) == 0) out.num_none_requests = 0;
    if ((seen & bit(EntryKey::min_response_time)) == 0) out.min_response_time.reset();
    if ((seen & bit(EntryKey::cicada_histogram)) == 0) out.cicada_histogram.reset();
    if ((seen & bit(EntryKey::cicada_paced_requests)) == 0) out.cicada_paced_requests = 0;
    if ((seen & bit(EntryKey::cicada_omitted_histogram)) == 0) {
      out.cicada_omitted_histogram.reset();
    }
    return (seen & kRequiredEntryKeys) == kRequiredEntryKeys;
  }

  bool entry_field(EntryKey key, StatsEntryReport& out) {
    switch (key) {
      case EntryKey::name:
        return string(out.name);
      case EntryKey::method:
        return string_or_nil(out.method);
      case EntryKey::last_request_timestamp:
        return optional_double(out.last_request_timestamp);
      case EntryKey::start_time:
        return required_double(out.start_time);
      case EntryKey::num_requests:
        return integer(out.num_requests);
      case EntryKey::num_none_requests:
        return integer_or_nil(out.num_none_requests);
      case EntryKey::num_failures:
        return integer(out.num_failures);
      case EntryKey::total_response_time:
        return exact_number(out.total_response_time);
      case EntryKey::max_response_time:
        return exact_number(out.max_response_time);
      case EntryKey::min_response_time:
        if (cursor_.next_is_nil()) {
          out.min_response_time.reset();
          return true;
        }
        out.min_response_time.emplace();
        return exact_number(*out.min_response_time);
      case EntryKey::total_content_length:
        return integer(out.total_content_length);
      case EntryKey::response_times:
        return buckets(out.response_times);
      case EntryKey::num_reqs_per_sec:
        return buckets(out.num_reqs_per_sec);
      case EntryKey::num_fail_per_sec:
        return buckets(out.num_fail_per_sec);
      case EntryKey::cicada_histogram:
        return bytes(out.cicada_histogram);
      case EntryKey::cicada_paced_requests:
        return integer_or_nil(out.cicada_paced_requests);
      case EntryKey::cicada_omitted_histogram:
        return bytes(out.cicada_omitted_histogram);
      case EntryKey::other:
        break;
    }
    return false;
  }

  bool buckets(std::vector<Bucket>& out) {
    const auto count = cursor_.map_header();
    if (!count) return false;
    out.clear();
    for (std::uint32_t i = 0; i < *count; ++i) {
      const auto key_token = cursor_.number();
      const auto key = key_token ? bucket_key(*key_token) : std::nullopt;
      const auto value_token = key ? cursor_.number() : std::nullopt;
      const auto value = value_token ? integral(*value_token) : std::nullopt;
      if (!value) return false;
      out.push_back(Bucket{*key, *value});
    }
    cursor_.leave_container();
    return true;
  }

  bool error_rows(std::vector<StatsErrorReport>& out) {
    const auto count = cursor_.map_header();
    if (!count) return false;
    for (std::uint32_t i = 0; i < *count; ++i) {
      const auto key = cursor_.str();
      if (!key) return false;
      StatsErrorReport& row = out.emplace_back();
      row.key = *key;
      if (!error_row(row)) return false;
    }
    cursor_.leave_container();
    return true;
  }

  bool error_row(StatsErrorReport& out) {
    const auto seen = known_keys<ErrorKey>(
        kErrorKeys, [&](ErrorKey key) { return error_field(key, out); },
        [this](std::optional<std::string_view> text) { return pass_over(text); });
    return seen && (*seen & kRequiredErrorKeys) == kRequiredErrorKeys;
  }

  bool error_field(ErrorKey key, StatsErrorReport& out) {
    switch (key) {
      case ErrorKey::name:
        return string(out.name);
      case ErrorKey::method:
        return string_or_nil(out.method);
      case ErrorKey::error:
        return string(out.error);
      case ErrorKey::occurrences:
        return integer(out.occurrences);
      case ErrorKey::first_seen:
        return optional_double(out.first_seen);
      case ErrorKey::last_seen:
        return optional_double(out.last_seen);
      case ErrorKey::other:
        break;
    }
    return false;
  }

  bool class_counts(UserClassCounts& out) {
    const auto count = cursor_.map_header();
    if (!count) return false;
    for (std::uint32_t i = 0; i < *count; ++i) {
      const auto name = cursor_.str();
      ClassCount row;
      if (!name || !integer(row.count)) return false;
      row.class_name = *name;
      out.push_back(std::move(row));
    }
    cursor_.leave_container();
    return true;
  }

  // {class: [started, dropped]}, both plain ints >= 0.
  bool iterations(std::vector<IterationReport>& out) {
    const auto count = cursor_.map_header();
    if (!count) return false;
    for (std::uint32_t i = 0; i < *count; ++i) {
      const auto name = cursor_.str();
      const auto pair = name ? cursor_.array_header() : std::nullopt;
      if (pair != 2u) return false;
      const auto started = cursor_.number();
      const auto dropped = started ? cursor_.number() : std::nullopt;
      if (!dropped || started->kind != NumberToken::Kind::integer ||
          dropped->kind != NumberToken::Kind::integer || started->integer < 0 ||
          dropped->integer < 0) {
        return false;
      }
      cursor_.leave_container();
      out.push_back(IterationReport{std::string(*name), started->integer, dropped->integer});
    }
    cursor_.leave_container();
    return true;
  }

  bool string(std::string& out) {
    const auto text = cursor_.str();
    if (!text) return false;
    out.assign(*text);
    return true;
  }

  bool string_or_nil(std::string& out) {
    if (cursor_.next_is_nil()) {
      out.clear();
      return true;
    }
    return string(out);
  }

  bool bytes(std::optional<std::string>& out) {
    const auto data = cursor_.bin();
    if (!data) return false;
    if (!out) out.emplace();
    out->assign(*data);
    return true;
  }

  bool integer(std::int64_t& out) {
    const auto token = cursor_.number();
    const auto value = token ? integral(*token) : std::nullopt;
    if (!value) return false;
    out = *value;
    return true;
  }

  bool integer_or_nil(std::int64_t& out) {
    if (cursor_.next_is_nil()) {
      out = 0;
      return true;
    }
    return integer(out);
  }

  bool required_double(double& out) {
    const auto token = cursor_.number();
    if (!token) return false;
    out = as_double(*token);
    return true;
  }

  bool optional_double(std::optional<double>& out) {
    if (cursor_.next_is_nil()) {
      out.reset();
      return true;
    }
    const auto token = cursor_.number();
    if (!token) return false;
    out = as_double(*token);
    return true;
  }

  bool exact_number(Number& out) {
    const auto token = cursor_.number();
    const auto value = token ? exact(*token) : std::nullopt;
    if (!value) return false;
    out = *value;
    return true;
  }

  MsgpackCursor& cursor_;
  const DecodeLimits& limits_;
};

}  // namespace

Result<void> decode_stats_report(std::string_view data, StatsReport& report,
                                 const DecodeLimits& limits) {
  detail::MsgpackCursor cursor(data, limits);
  if (StatsReportDecoder(cursor, limits).report(report) && cursor.at_end()) return {};
  auto value = decode_value(data, limits);
  if (!value) return tl::unexpected(value.error());
  auto decoded = stats_report_from_value(*value);
  if (!decoded) return tl::unexpected(decoded.error());
  report = std::move(*decoded);
  return {};
}

// One pass over the frame: the report is read where split_envelope would
// only have skipped it, and nothing is read twice. Whatever this declines goes
// the general way, whose word is final.
std::optional<std::string_view> read_stats_frame(std::string_view frame, StatsReport& report,
                                                 const DecodeLimits& limits) {
  detail::MsgpackCursor cursor(frame, limits);
  if (cursor.array_header() != 3u || cursor.str() != Stats::kType) return std::nullopt;
  if (!StatsReportDecoder(cursor, limits).report(report)) return std::nullopt;
  const auto node_id = cursor.str();
  if (!node_id || !cursor.at_end()) return std::nullopt;
  return node_id;
}

}  // namespace cicada::proto
