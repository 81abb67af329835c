#pragma once

#include <string>
#include <vector>

#include "config_file.hpp"

namespace CLI {
class App;
}

namespace cicada::cli {

/// Long options written as an unambiguous prefix, as argparse (and so Locust)
/// allows: `--spawn 5` is `--spawn-rate 5`. Throws ConfigError for an
/// ambiguous one ("ambiguous option: --csv could match --csv, --csv-full-history"
/// cannot happen: an exact name always wins). Stops at "--".
std::vector<std::string> expand_option_prefixes(const CLI::App& app, std::vector<std::string> args);

/// The value of --config on the command line (after prefix expansion), if any.
std::optional<std::string> config_option(const std::vector<std::string>& args);

/// The command-line arguments that config settings stand for, for the options
/// the command line and the environment left unset (`parsed` has seen both):
/// Locust's precedence, command line > environment > config files. A later
/// setting of a key replaces an earlier one. Throws ConfigError naming the file
/// and line for an unknown key or a value the option cannot take.
std::vector<std::string> config_arguments(const CLI::App& parsed,
                                          const std::vector<ConfigSetting>& settings);

}  // namespace cicada::cli
