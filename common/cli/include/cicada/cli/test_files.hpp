#pragma once

#include <string>
#include <vector>

#include "cicada/cli/options.hpp"
#include "cicada/runner/test_plugin.hpp"

namespace cicada::cli {

/// The files -f names: "a.yaml", or a comma list "shop.so,api.yaml".
std::vector<std::string> split_test_files(const std::string& locustfile);

/// Loads a compiled test plugin (CICADA_TEST_PLUGIN) and returns what it
/// declares. The library stays loaded for the life of the process. Throws
/// std::runtime_error naming the file: not loadable, not a cicada plugin, or
/// built against another cicada (version, compiler or sanitizers).
TestPlugin load_test_plugin(const std::string& path);

/// The options the test plugins on this command line add (-f/--locustfile,
/// else CICADA_LOCUSTFILE or LOCUST_LOCUSTFILE), so that the parser knows
/// them before it parses. Throws as load_test_plugin does.
std::vector<CustomOption> plugin_options(int argc, const char* const* argv);

/// parse_options, knowing the options of the test plugins on the command line;
/// a plugin that cannot be loaded is an error (exit code 2) naming it.
ParseResult parse_command_line(int argc, const char* const* argv, Program program);

}  // namespace cicada::cli
