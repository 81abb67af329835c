#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cicada/core/version.hpp"
#include "cicada/model/load_shape.hpp"
#include "cicada/model/user_class.hpp"

namespace cicada {

class Environment;

/// A command-line option a test plugin adds (Locust's init_command_line_parser):
/// `--name VALUE`, also from CICADA_<NAME> / LOCUST_<NAME>. Its value is in
/// `Environment::options().custom_options[dest]`, dest being the name with
/// '_' for '-' (as argparse names it); a master passes it on to its workers.
struct CustomOption {
  std::string name;  ///< without the leading "--": "product-id"
  std::string help;
  std::string default_value = "";
  /// The key of the value: "product_id" for "product-id".
  std::string dest() const {
    std::string key = name;
    for (char& c : key) c = c == '-' ? '_' : c;
    return key;
  }
};

/// What a compiled test plugin adds to a run, the locustfile of cicada:
/// user classes, a load shape, listeners for events, options. A plugin fills
/// one in from the function it names in CICADA_TEST_PLUGIN.
class TestPlugin {
 public:
  void add_user_class(UserClass user_class) { user_classes_.push_back(std::move(user_class)); }
  /// The test's load shape (at most one per run).
  void set_shape(std::shared_ptr<LoadTestShape> shape) { shape_ = std::move(shape); }
  /// Runs when the environment is ready (Locust's `init` event): the place to
  /// add event listeners and read custom options.
  void on_init(std::function<void(Environment&)> hook) { init_hooks_.push_back(std::move(hook)); }
  void add_option(CustomOption option) { options_.push_back(std::move(option)); }

  std::vector<UserClass>& user_classes() { return user_classes_; }
  std::shared_ptr<LoadTestShape>& shape() { return shape_; }
  std::vector<std::function<void(Environment&)>>& init_hooks() { return init_hooks_; }
  std::vector<CustomOption>& options() { return options_; }

 private:
  std::vector<UserClass> user_classes_;
  std::shared_ptr<LoadTestShape> shape_;
  std::vector<std::function<void(Environment&)>> init_hooks_;
  std::vector<CustomOption> options_;
};

}  // namespace cicada

// What must match between a plugin and the executable that loads it: the
// plugin calls into the executable's copy of cicada, so the version, the
// compiler and the sanitizers must be the same.
#ifndef CICADA_PLUGIN_ABI
#if defined(__SANITIZE_ADDRESS__)
#define CICADA_PLUGIN_SANITIZERS " asan"
#else
#define CICADA_PLUGIN_SANITIZERS ""
#endif
#define CICADA_PLUGIN_ABI \
  "cicada " CICADA_VERSION ", compiler " __VERSION__ CICADA_PLUGIN_SANITIZERS
#endif

/// Makes this shared library a cicada test plugin whose contents
/// `register_function(cicada::TestPlugin&)` declares:
///
///     void define_test(cicada::TestPlugin& plugin) {
///       plugin.add_user_class(cicada::UserClass::define<Shopper>("Shopper").task(...));
///     }
///     CICADA_TEST_PLUGIN(define_test)
///
/// Build it with `cicada_add_test_plugin(mytest mytest.cpp)`, run it with `cicada -f mytest.so`.
#define CICADA_TEST_PLUGIN(register_function)                                              \
  extern "C" __attribute__((visibility("default"))) const char* cicada_test_plugin_abi() { \
    return CICADA_PLUGIN_ABI;                                                              \
  }                                                                                        \
  extern "C" __attribute__((visibility("default"))) void cicada_test_plugin_register(      \
      cicada::TestPlugin& plugin) {                                                        \
    register_function(plugin);                                                             \
  }
