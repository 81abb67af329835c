#include "config_users.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cicada/cli/run.hpp"
#include "cicada/runner/user_class_settings.hpp"

namespace cicada::cli {

std::vector<UserClassSettings> read_config_users(const std::string& argument) {
  std::string text = argument;
  std::string origin = "--config-users";
  if (argument.ends_with(".json")) {
    std::ifstream file(argument);
    if (!file) throw std::invalid_argument("--config-users: cannot read " + argument);
    std::ostringstream contents;
    contents << file.rdbuf();
    text = contents.str();
    origin += " " + argument;
  }
  std::vector<UserClassSettings> all;
  try {
    for (auto& read : read_user_class_settings_json(text)) {
      // Written by hand, so a misspelt key is a mistake, not something to skip.
      if (!read.ignored_keys.empty()) {
        throw std::invalid_argument("'" + read.ignored_keys.front() +
                                    "' is not a user class setting (cicada has host, weight, "
                                    "fixed_count and tasks)");
      }
      all.push_back(std::move(read.settings));
    }
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(origin + ": " + e.what());
  }
  return all;
}

void apply_config_users(const std::vector<std::string>& arguments,
                        std::vector<UserClass>& user_classes) {
  for (const auto& argument : arguments) {
    for (const auto& settings : read_config_users(argument)) {
      auto it = std::find_if(user_classes.begin(), user_classes.end(), [&](const UserClass& c) {
        return c.name() == settings.user_class_name;
      });
      if (it == user_classes.end()) {
        throw UnknownUserClass("--config-users names user class '" + settings.user_class_name +
                               "', which the test does not define");
      }
      try {
        it->update(settings);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("--config-users: ") + e.what());
      }
    }
  }
}

}  // namespace cicada::cli
