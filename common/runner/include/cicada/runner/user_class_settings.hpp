#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cicada/model/user_class.hpp"
#include "cicada/proto/value.hpp"

// Locust's user-class settings object, as its web UI posts it to /user, as
// --config-users takes it, and as a master sends it to its workers in an
// `update_user_class` message: {"user_class_name": "X", "host": ..., "weight":
// ..., "fixed_count": ..., "tasks": [names]}.

namespace cicada {

/// The message type a master sends the settings in.
inline constexpr std::string_view kUpdateUserClassMessage = "update_user_class";

/// What reading a settings object found: the settings, and the keys it
/// carried that cicada has no setting for (Locust would set them as class
/// attributes; the caller decides whether that is an error or a warning).
struct ReadUserClassSettings {
  UserClassSettings settings;
  std::vector<std::string> ignored_keys;
};

/// Reads one settings object. Numbers may be given as numeric strings (the
/// web UI's text fields); a nil or empty host clears the class's host. Throws
/// std::invalid_argument naming the key and what was wrong with it.
ReadUserClassSettings read_user_class_settings(const proto::Value& data);

/// Reads JSON text holding one settings object or an array of them
/// (--config-users). Throws std::invalid_argument for bad JSON or settings.
std::vector<ReadUserClassSettings> read_user_class_settings_json(std::string_view json_text);

/// The settings as Locust's update_user_class message carries them.
proto::Value to_value(const UserClassSettings& settings);

}  // namespace cicada
