#include "cicada/runner/user_class_settings.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace cicada {
namespace {

[[noreturn]] void bad(std::string_view key, std::string_view problem) {
  throw std::invalid_argument("user class settings: '" + std::string(key) + "' " +
                              std::string(problem));
}

double number(std::string_view key, const proto::Value& value) {
  if (auto number = value.as_double()) return *number;
  if (const auto* text = value.as_string()) {
    double parsed = 0;
    const auto* end = text->data() + text->size();
    const auto [stop, error] = std::from_chars(text->data(), end, parsed);
    if (error == std::errc() && stop == end && !text->empty()) return parsed;
  }
  bad(key, "must be a number, not " + std::string(value.type_name()));
}

std::int64_t whole_number(std::string_view key, const proto::Value& value) {
  if (auto integer = value.as_int()) return *integer;
  const double parsed = number(key, value);
  if (std::floor(parsed) != parsed || std::abs(parsed) > 9e15) bad(key, "must be a whole number");
  return static_cast<std::int64_t>(parsed);
}

std::vector<std::string> names(std::string_view key, const proto::Value& value) {
  const auto* list = value.as_array();
  if (list == nullptr) bad(key, "must be a list of task names");
  std::vector<std::string> result;
  for (const auto& item : *list) {
    const auto* name = item.as_string();
    if (name == nullptr) bad(key, "must be a list of task names");
    result.push_back(*name);
  }
  return result;
}

proto::Value from_json(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::null:
      return proto::Value();
    case nlohmann::json::value_t::boolean:
      return proto::Value(json.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return proto::Value(json.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return proto::Value(json.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float:
      return proto::Value(json.get<double>());
    case nlohmann::json::value_t::string:
      return proto::Value(json.get<std::string>());
    case nlohmann::json::value_t::array: {
      proto::Value::Array items;
      for (const auto& item : json) items.push_back(from_json(item));
      return proto::Value(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      proto::Value::Map entries;
      for (const auto& [key, item] : json.items()) entries.push_back({key, from_json(item)});
      return proto::Value(std::move(entries));
    }
    default:
      throw std::invalid_argument("user class settings: unsupported JSON value");
  }
}

}  // namespace

ReadUserClassSettings read_user_class_settings(const proto::Value& data) {
  const auto* entries = data.as_map();
  if (entries == nullptr) {
    throw std::invalid_argument("user class settings must be an object, not " +
                                std::string(data.type_name()));
  }
  const auto* name = data.find("user_class_name");
  if (name == nullptr || name->as_string() == nullptr || name->as_string()->empty())
    throw std::invalid_argument("user class settings need a 'user_class_name'");

  ReadUserClassSettings read;
  read.settings.user_class_name = *name->as_string();
  for (const auto& [key_value, value] : *entries) {
    const auto* key_text = key_value.as_string();
    const std::string key = key_text ? *key_text : std::string(key_value.type_name());
    if (key == "user_class_name") continue;
    if (key == "host") {
      if (value.is_nil()) {
        read.settings.host = "";
      } else if (const auto* host = value.as_string()) {
        read.settings.host = *host;
      } else {
        bad(key, "must be a URL");
      }
    } else if (key == "weight") {
      read.settings.weight = number(key, value);
    } else if (key == "fixed_count") {
      read.settings.fixed_count = whole_number(key, value);
    } else if (key == "tasks") {
      read.settings.tasks = names(key, value);
    } else {
      read.ignored_keys.push_back(key);
    }
  }
  return read;
}

std::vector<ReadUserClassSettings> read_user_class_settings_json(std::string_view json_text) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(std::string("user class settings are not valid JSON: ") + e.what());
  }
  std::vector<ReadUserClassSettings> all;
  if (json.is_array()) {
    for (const auto& item : json) all.push_back(read_user_class_settings(from_json(item)));
  } else {
    all.push_back(read_user_class_settings(from_json(json)));
  }
  return all;
}

proto::Value to_value(const UserClassSettings& settings) {
  proto::Value::Map entries{{"user_class_name", settings.user_class_name}};
  if (settings.host) entries.push_back({"host", *settings.host});
  if (settings.weight) entries.push_back({"weight", *settings.weight});
  if (settings.fixed_count) entries.push_back({"fixed_count", *settings.fixed_count});
  if (settings.tasks) {
    proto::Value::Array tasks(settings.tasks->begin(), settings.tasks->end());
    entries.push_back({"tasks", std::move(tasks)});
  }
  return proto::Value(std::move(entries));
}

}  // namespace cicada
