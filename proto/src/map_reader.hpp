#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cicada/proto/error.hpp"
#include "cicada/proto/stats_report.hpp"
#include "cicada/proto/value.hpp"

namespace cicada::proto::detail {

/// Reads typed fields out of a decoded map. The first problem is kept as the
/// error ("spawn.host: expected str or nil, got int"); later reads return
/// defaults, so a decoder reads every field and checks `ok()` once.
class MapReader {
 public:
  MapReader(const Value& value, std::string context);

  bool ok() const { return !error_; }
  ProtoError error() const { return error_.value_or(ProtoError{}); }

  /// Required str.
  std::string string(std::string_view key);
  /// str, or "" when nil (Locust 2.12.1 sends nil methods).
  std::string string_or_empty(std::string_view key);
  /// str, or nullopt when nil or absent.
  std::optional<std::string> optional_string(std::string_view key);
  /// Required int; a float with an integral value is accepted.
  std::int64_t integer(std::string_view key);
  /// int, or nullopt when nil or absent.
  std::optional<std::int64_t> optional_integer(std::string_view key);
  /// Required int or float.
  double number(std::string_view key);
  /// int or float, or nullopt when nil or absent.
  std::optional<double> optional_number(std::string_view key);
  /// Required int or float, keeping which it was.
  Number exact_number(std::string_view key);
  std::optional<Number> optional_exact_number(std::string_view key);
  /// Required map of str -> int, in wire order.
  UserClassCounts class_counts(std::string_view key);
  /// Required map of number -> int, in wire order; float keys are rounded.
  std::vector<Bucket> buckets(std::string_view key);
  /// The raw value, or nullptr when absent.
  const Value* find(std::string_view key) const;
  /// Required value of any type.
  const Value* require(std::string_view key);

  /// Records a problem found by the caller (first one wins).
  void fail(std::string_view key, std::string_view problem);

 private:
  const Value* map_value_;
  std::string context_;
  std::optional<ProtoError> error_;
};

/// An integer out of an int or an integral float; nullopt otherwise.
std::optional<std::int64_t> integral(const Value& value);

}  // namespace cicada::proto::detail
