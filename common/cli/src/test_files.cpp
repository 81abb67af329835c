#include "cicada/cli/test_files.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "cicada/core/trim.hpp"
#include "config_file.hpp"
#include "option_sources.hpp"

namespace cicada::cli {
namespace {

using AbiFunction = const char* (*)();
using RegisterFunction = void (*)(TestPlugin&);

bool is_plugin(std::string_view file) {
  return file.ends_with(".so");
}

}  // namespace

std::vector<std::string> split_test_files(const std::string& locustfile) {
  std::vector<std::string> files;
  std::string_view rest = locustfile;
  while (true) {
    const auto comma = rest.find(',');
    const std::string file(trim(rest.substr(0, comma)));
    if (!file.empty()) files.push_back(file);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return files;
}

TestPlugin load_test_plugin(const std::string& path) {
  // A bare name would make dlopen search the library path, not the folder the user means.
  const std::string where = path.find('/') == std::string::npos ? "./" + path : path;
  // Never closed: the user classes' code lives in it until the process ends.
  void* library = dlopen(where.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    throw std::runtime_error(path + ": cannot load this test plugin: " + dlerror());
  }
  auto abi = reinterpret_cast<AbiFunction>(dlsym(library, "cicada_test_plugin_abi"));
  auto register_plugin =
      reinterpret_cast<RegisterFunction>(dlsym(library, "cicada_test_plugin_register"));
  if (abi == nullptr || register_plugin == nullptr) {
    throw std::runtime_error(path +
                             ": not a cicada test plugin (it has no CICADA_TEST_PLUGIN(...))");
  }
  const std::string plugin_abi = abi();
  if (plugin_abi != CICADA_PLUGIN_ABI) {
    throw std::runtime_error(path + ": built for " + plugin_abi + ", but this is " +
                             CICADA_PLUGIN_ABI + ": rebuild the plugin against this cicada");
  }
  TestPlugin plugin;
  try {
    register_plugin(plugin);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": the plugin failed to declare its test: " + e.what());
  }
  if (plugin.user_classes().empty()) {
    throw std::runtime_error(path + ": the plugin declares no user classes");
  }
  return plugin;
}

std::vector<CustomOption> plugin_options(int argc, const char* const* argv) {
  // -f as parse_options will see it: the command line, else the environment,
  // else the last config file that names it.
  std::string locustfile;
  const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
  for (std::size_t i = 0; i < args.size() && args[i] != "--"; ++i) {
    const std::string_view arg = args[i];
    if ((arg == "-f" || arg == "--locustfile") && i + 1 < args.size()) {
      locustfile = args[++i];
    } else if (arg.starts_with("--locustfile=")) {
      locustfile = arg.substr(13);
    } else if (arg.starts_with("-f") && arg.size() > 2 && arg[2] != '-') {
      locustfile = arg.substr(arg[2] == '=' ? 3 : 2);
    }
  }
  for (const char* name : {"CICADA_LOCUSTFILE", "LOCUST_LOCUSTFILE"}) {
    if (const char* value = std::getenv(name); value != nullptr && locustfile.empty())
      locustfile = value;
  }
  if (locustfile.empty()) {
    try {
      for (const auto& file : config_files(config_option(args))) {
        for (const auto& setting : read_config_file(file)) {
          if (setting.key == "locustfile" && setting.values.size() == 1)
            locustfile = setting.values[0];
        }
      }
    } catch (const ConfigError&) {
      // parse_options reports it, with the rest of the command line's mistakes.
    }
  }
  std::vector<CustomOption> options;
  for (const auto& file : split_test_files(locustfile)) {
    if (!is_plugin(file)) continue;
    auto plugin = load_test_plugin(file);
    for (auto& option : plugin.options()) options.push_back(std::move(option));
  }
  return options;
}

ParseResult parse_command_line(int argc, const char* const* argv, Program program) {
  std::vector<CustomOption> custom;
  try {
    custom = plugin_options(argc, argv);
  } catch (const std::exception& e) {
    ParseResult failed;
    failed.exit_code = 2;
    const std::string_view program_name = program == Program::kMaster   ? "cicada-master"
                                          : program == Program::kWorker ? "cicada-worker"
                                                                        : "cicada";
    failed.err = std::string(program_name) + ": error: " + e.what() + "\n";
    return failed;
  }
  return parse_options(argc, argv, program, custom);
}

}  // namespace cicada::cli
