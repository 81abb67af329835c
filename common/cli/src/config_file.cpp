#include "config_file.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cicada/core/trim.hpp"

namespace cicada::cli {
namespace {

bool is_key_char(char c) {
  return c != ':' && c != '=' && c != ';' && c != '#' && c != ' ' && c != '\t';
}

/// Strips one pair of matching quotes.
std::string unquote(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(value);
}

/// Drops a trailing " # comment" or " ; comment" (a '#' inside a value, as in
/// a URL fragment, stays: the comment needs whitespace before it).
std::string_view without_comment(std::string_view value) {
  for (std::size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && (value[i - 1] == ' ' || value[i - 1] == '\t'))
      return trim(value.substr(0, i));
  }
  return value;
}

/// `[a, b, "c"]` as its elements.
std::vector<std::string> list_items(std::string_view inner) {
  std::vector<std::string> items;
  while (!trim(inner).empty()) {
    const auto comma = inner.find(',');
    const std::string item = unquote(trim(inner.substr(0, comma)));
    if (!item.empty()) items.push_back(item);
    if (comma == std::string_view::npos) break;
    inner.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace

std::vector<ConfigSetting> parse_config_text(std::string_view text, const std::string& file,
                                             std::optional<std::string_view> toml_table) {
  std::vector<ConfigSetting> settings;
  std::istringstream lines{std::string(text)};
  bool in_table = !toml_table;
  int number = 0;
  for (std::string raw; std::getline(lines, raw);) {
    ++number;
    const std::string where = file + ":" + std::to_string(number);
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';' || line.starts_with("---"))
      continue;
    if (line.front() == '[') {
      if (toml_table) in_table = line == "[" + std::string(*toml_table) + "]";
      continue;
    }
    if (!in_table) continue;
    if (line.starts_with("--")) line.remove_prefix(2);
    std::size_t key_end = 0;
    while (key_end < line.size() && is_key_char(line[key_end])) ++key_end;
    if (key_end == 0) throw ConfigError(where + ": not a setting: '" + raw + "'");
    ConfigSetting setting{std::string(line.substr(0, key_end)), {}, false, where};
    std::string_view rest = trim(line.substr(key_end));
    if (!rest.empty() && (rest.front() == '=' || rest.front() == ':')) rest = trim(rest.substr(1));
    rest = without_comment(rest);
    if (rest.size() >= 2 && rest.front() == '[' && rest.back() == ']') {
      setting.is_list = true;
      setting.values = list_items(rest.substr(1, rest.size() - 2));
    } else if (!rest.empty()) {
      setting.values.push_back(unquote(rest));
    } else if (line.size() > key_end) {
      throw ConfigError(where + ": '" + setting.key + "' has no value");
    }
    settings.push_back(std::move(setting));
  }
  return settings;
}

std::vector<ConfigSetting> read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read this config file");
  std::stringstream text;
  text << in.rdbuf();
  const bool toml = path.size() >= 5 && path.ends_with(".toml");
  return parse_config_text(text.str(), path,
                           toml ? std::optional<std::string_view>("tool.locust") : std::nullopt);
}

std::vector<std::string> config_files(const std::optional<std::string>& explicit_file) {
  std::vector<std::string> files;
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    const std::string user_file = std::string(home) + "/.locust.conf";
    if (std::filesystem::exists(user_file)) files.push_back(user_file);
  }
  for (const char* local : {"locust.conf", "pyproject.toml", "cicada.conf"}) {
    if (std::filesystem::exists(local)) files.push_back(local);
  }
  if (explicit_file) {
    if (!std::filesystem::exists(*explicit_file))
      throw ConfigError(*explicit_file + ": no such config file (--config)");
    files.push_back(*explicit_file);
  }
  return files;
}

}  // namespace cicada::cli
