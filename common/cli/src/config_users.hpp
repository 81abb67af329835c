#pragma once

#include <string>
#include <vector>

#include "cicada/model/user_class.hpp"

// --config-users (Locust's): user-class settings given on the command line,
// as JSON text or the path of a .json file, each an object or an array of them.

namespace cicada::cli {

/// The settings one --config-users argument holds. Throws std::invalid_argument
/// naming the file, the JSON mistake or the setting cicada does not have.
std::vector<UserClassSettings> read_config_users(const std::string& argument);

/// Applies every argument's settings to the classes they name, in order.
/// Throws UnknownUserClass for a class that is not there, std::invalid_argument
/// for a bad setting.
void apply_config_users(const std::vector<std::string>& arguments,
                        std::vector<UserClass>& user_classes);

}  // namespace cicada::cli
