#include "option_sources.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <optional>

namespace cicada::cli {
namespace {

/// Every long name ("spawn-rate") of the app's options.
std::vector<std::string> long_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back(name);
  }
  return names;
}

bool is_flag(const CLI::Option& option) {
  return option.get_expected_max() == 0;
}

bool takes_many(const CLI::Option& option) {
  return option.get_items_expected_max() > 1;
}

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

std::vector<std::string> expand_option_prefixes(const CLI::App& app,
                                                std::vector<std::string> args) {
  const auto names = long_names(app);
  for (auto& arg : args) {
    if (arg == "--") break;
    if (!arg.starts_with("--") || arg.size() == 2) continue;
    const auto equals = arg.find('=');
    const std::string name = arg.substr(2, equals == std::string::npos ? equals : equals - 2);
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::vector<std::string> matches;
    for (const auto& candidate : names) {
      if (candidate.starts_with(name)) matches.push_back("--" + candidate);
    }
    if (matches.size() == 1) {
      arg = matches.front() + (equals == std::string::npos ? "" : arg.substr(equals));
    } else if (matches.size() > 1) {
      std::string list;
      for (const auto& match : matches) list += (list.empty() ? "" : ", ") + match;
      throw ConfigError("ambiguous option: --" + name + " could match " + list);
    }
  }
  return args;
}

std::optional<std::string> config_option(const std::vector<std::string>& args) {
  std::optional<std::string> file;
  for (std::size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      file = args[++i];
    } else if (args[i].starts_with("--config=")) {
      file = args[i].substr(9);
    }
  }
  return file;
}

std::vector<std::string> config_arguments(const CLI::App& parsed,
                                          const std::vector<ConfigSetting>& settings) {
  // The last setting of each key wins (later files take precedence).
  std::map<std::string, const ConfigSetting*> latest;
  std::vector<std::string> order;
  for (const auto& setting : settings) {
    const CLI::Option* option = parsed.get_option_no_throw("--" + setting.key);
    if (option == nullptr || setting.key == "config") {
      throw ConfigError(setting.where + ": unknown setting '" + setting.key +
                        "' (keys are long option names, as in --help)");
    }
    if (!latest.contains(setting.key)) order.push_back(setting.key);
    latest[setting.key] = &setting;
  }
  std::vector<std::string> arguments;
  for (const auto& key : order) {
    const ConfigSetting& setting = *latest[key];
    const CLI::Option& option = *parsed.get_option_no_throw("--" + key);
    if (option.count() > 0) continue;  // the command line or the environment set it
    if (is_flag(option)) {
      const std::string value = setting.values.empty() ? "true" : lowercase(setting.values[0]);
      if (setting.is_list || setting.values.size() > 1) {
        throw ConfigError(setting.where + ": '" + key + "' is a flag: give true or false");
      }
      if (value == "true" || value == "yes" || value == "on" || value == "1") {
        arguments.push_back("--" + key);
      } else if (value != "false" && value != "no" && value != "off" && value != "0") {
        throw ConfigError(setting.where + ": '" + key + "' is a flag: '" + setting.values[0] +
                          "' is not true, yes, on, 1, false, no, off or 0");
      }
      continue;
    }
    if (setting.values.empty() && !setting.is_list) {
      throw ConfigError(setting.where + ": '" + key + "' needs a value");
    }
    if (setting.is_list && !takes_many(option)) {
      throw ConfigError(setting.where + ": '" + key + "' takes one value, not a list");
    }
    for (const auto& value : setting.values) arguments.push_back("--" + key + "=" + value);
  }
  return arguments;
}

}  // namespace cicada::cli
