#include "map_reader.hpp"

#include <cmath>

namespace cicada::proto::detail {

std::optional<std::int64_t> integral(const Value& value) {
  if (auto i = value.as_int()) return i;
  if (value.is_float()) {
    const double d = *value.as_double();
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2233720368547758e18) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

MapReader::MapReader(const Value& value, std::string context)
    : map_value_(&value), context_(std::move(context)) {
  if (!value.is_map()) {
    error_ = ProtoError{context_ + ": expected a dict, got " + std::string(value.type_name())};
  }
}

void MapReader::fail(std::string_view key, std::string_view problem) {
  if (error_) return;
  error_ = ProtoError{context_ + "." + std::string(key) + ": " + std::string(problem)};
}

const Value* MapReader::find(std::string_view key) const {
  if (!map_value_->is_map()) return nullptr;
  return map_value_->find(key);
}

const Value* MapReader::require(std::string_view key) {
  if (error_) return nullptr;
  const Value* value = find(key);
  if (value == nullptr) fail(key, "missing");
  return value;
}

namespace {
std::string expected(std::string_view what, const Value& got) {
  return "expected " + std::string(what) + ", got " + std::string(got.type_name());
}
}  // namespace

std::string MapReader::string(std::string_view key) {
  const Value* value = require(key);
  if (value == nullptr) return {};
  if (const auto* s = value->as_string()) return *s;
  fail(key, expected("str", *value));
  return {};
}

std::string MapReader::string_or_empty(std::string_view key) {
  const Value* value = require(key);
  if (value == nullptr || value->is_nil()) return {};
  if (const auto* s = value->as_string()) return *s;
  fail(key, expected("str or nil", *value));
  return {};
}

std::optional<std::string> MapReader::optional_string(std::string_view key) {
  const Value* value = find(key);
  if (value == nullptr || value->is_nil()) return std::nullopt;
  if (const auto* s = value->as_string()) return *s;
  fail(key, expected("str or nil", *value));
  return std::nullopt;
}

std::int64_t MapReader::integer(std::string_view key) {
  const Value* value = require(key);
  if (value == nullptr) return 0;
  if (auto i = integral(*value)) return *i;
  fail(key, expected("int", *value));
  return 0;
}

std::optional<std::int64_t> MapReader::optional_integer(std::string_view key) {
  const Value* value = find(key);
  if (value == nullptr || value->is_nil()) return std::nullopt;
  if (auto i = integral(*value)) return i;
  fail(key, expected("int or nil", *value));
  return std::nullopt;
}

double MapReader::number(std::string_view key) {
  const Value* value = require(key);
  if (value == nullptr) return 0;
  if (auto d = value->as_double()) return *d;
  fail(key, expected("a number", *value));
  return 0;
}

std::optional<double> MapReader::optional_number(std::string_view key) {
  const Value* value = find(key);
  if (value == nullptr || value->is_nil()) return std::nullopt;
  if (auto d = value->as_double()) return d;
  fail(key, expected("a number or nil", *value));
  return std::nullopt;
}

namespace {
std::optional<Number> exact(const Value& value) {
  if (auto i = value.as_int()) return Number{*i};
  if (value.is_float()) return Number{*value.as_double()};
  return std::nullopt;
}
}  // namespace

Number MapReader::exact_number(std::string_view key) {
  const Value* value = require(key);
  if (value == nullptr) return std::int64_t{0};
  if (auto n = exact(*value)) return *n;
  fail(key, expected("a number", *value));
  return std::int64_t{0};
}

std::optional<Number> MapReader::optional_exact_number(std::string_view key) {
  const Value* value = find(key);
  if (value == nullptr || value->is_nil()) return std::nullopt;
  if (auto n = exact(*value)) return n;
  fail(key, expected("a number or nil", *value));
  return std::nullopt;
}

UserClassCounts MapReader::class_counts(std::string_view key) {
  const Value* value = require(key);
  if (value == nullptr) return {};
  const auto* map = value->as_map();
  if (map == nullptr) {
    fail(key, expected("a dict of class name to count", *value));
    return {};
  }
  UserClassCounts counts;
  counts.reserve(map->size());
  for (const auto& entry : *map) {
    const auto* name = entry.key.as_string();
    auto count = integral(entry.value);
    if (name == nullptr || !count) {
      fail(key, "expected str keys and int counts, got " + std::string(entry.key.type_name()) +
                    " -> " + std::string(entry.value.type_name()));
      return {};
    }
    counts.push_back(ClassCount{*name, *count});
  }
  return counts;
}

std::vector<Bucket> MapReader::buckets(std::string_view key) {
  const Value* value = require(key);
  if (value == nullptr) return {};
  const auto* map = value->as_map();
  if (map == nullptr) {
    fail(key, expected("a dict of number to count", *value));
    return {};
  }
  std::vector<Bucket> result;
  result.reserve(map->size());
  for (const auto& entry : *map) {
    // Locust before 2.43.4 sends float keys (150.0) for float response times;
    // Python treats 150 and 150.0 as one key, so we round to the integer.
    std::optional<std::int64_t> bucket = entry.key.as_int();
    if (!bucket && entry.key.is_float()) {
      const double d = *entry.key.as_double();
      if (std::isfinite(d) && std::fabs(d) < 9.2e18) bucket = std::llround(d);
    }
    auto count = integral(entry.value);
    if (!bucket || !count) {
      fail(key, "expected number keys and int counts, got " + std::string(entry.key.type_name()) +
                    " -> " + std::string(entry.value.type_name()));
      return {};
    }
    result.push_back(Bucket{*bucket, *count});
  }
  return result;
}

}  // namespace cicada::proto::detail
