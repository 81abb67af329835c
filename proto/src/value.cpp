#include "cicada/proto/value.hpp"

#include <limits>

namespace cicada::proto {

std::optional<std::int64_t> Value::as_int() const {
  if (const auto* i = std::get_if<std::int64_t>(&data_)) return *i;
  if (const auto* u = std::get_if<std::uint64_t>(&data_)) {
    if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(*u);
    }
  }
  return std::nullopt;
}

std::optional<double> Value::as_double() const {
  if (const auto* d = std::get_if<double>(&data_)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&data_)) return static_cast<double>(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&data_)) return static_cast<double>(*u);
  return std::nullopt;
}

const Value* Value::find(std::string_view key) const {
  const auto* map = as_map();
  if (map == nullptr) return nullptr;
  for (const auto& entry : *map) {
    const auto* name = entry.key.as_string();
    if (name != nullptr && *name == key) return &entry.value;
  }
  return nullptr;
}

std::string_view Value::type_name() const {
  struct Namer {
    std::string_view operator()(Nil) const { return "nil"; }
    std::string_view operator()(bool) const { return "bool"; }
    std::string_view operator()(std::int64_t) const { return "int"; }
    std::string_view operator()(std::uint64_t) const { return "int"; }
    std::string_view operator()(double) const { return "float"; }
    std::string_view operator()(const std::string&) const { return "str"; }
    std::string_view operator()(const Binary&) const { return "bytes"; }
    std::string_view operator()(const Array&) const { return "list"; }
    std::string_view operator()(const Map&) const { return "dict"; }
  };
  return std::visit(Namer{}, data_);
}

Value make_map(std::initializer_list<std::pair<std::string_view, Value>> entries) {
  Value::Map map;
  map.reserve(entries.size());
  for (const auto& [key, value] : entries) map.push_back({Value(key), value});
  return Value(std::move(map));
}

}  // namespace cicada::proto
