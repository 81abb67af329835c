#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cicada::cli {

/// One setting of a config file: `users = 10`, `tags = [a, b]`, or a bare
/// `headless` (no values).
struct ConfigSetting {
  std::string key;  ///< the long option name, without "--": "spawn-rate"
  std::vector<std::string> values;
  bool is_list = false;  ///< written as [a, b]
  std::string where;     ///< "locust.conf:3", for messages
};

/// A config file that cannot be read or has a line that is no setting.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses Locust's config-file dialect (ConfigArgParse's): `key = value`,
/// `key: value`, `key value` and `--key value` lines, a bare `key` for a flag,
/// `[a, b]` lists, quotes around a value stripped, `#`/`;` comments, and
/// `[section]` and `---` lines skipped. With `toml_table`, only the lines of
/// that table count (pyproject.toml's [tool.locust]).
std::vector<ConfigSetting> parse_config_text(std::string_view text, const std::string& file,
                                             std::optional<std::string_view> toml_table = {});

/// Reads one config file (pyproject.toml: its [tool.locust] table). Throws ConfigError.
std::vector<ConfigSetting> read_config_file(const std::string& path);

/// The config files to read, lowest precedence first, as Locust reads them:
/// ~/.locust.conf, ./locust.conf, ./pyproject.toml, then cicada's own
/// ./cicada.conf, each if it exists, and last `explicit_file` (--config), which
/// must exist.
std::vector<std::string> config_files(const std::optional<std::string>& explicit_file);

}  // namespace cicada::cli
