// Where options come from, as Locust decides it: config files in Locust's
// order (~/.locust.conf, ./locust.conf, ./pyproject.toml, ./cicada.conf,
// --config), then the environment, then the command line; unknown keys are
// errors; long options may be abbreviated.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cicada/cli/options.hpp"
#include "support/child_process.hpp"

namespace cicada::cli {
namespace {

/// A fresh working directory and HOME for one test, restored afterwards.
struct ConfigPlace {
  std::string dir = test::make_temp_dir("cicada-options");
  std::string home = dir + "/home";
  std::filesystem::path previous_dir = std::filesystem::current_path();
  std::string previous_home = std::getenv("HOME") != nullptr ? std::getenv("HOME") : "";

  ConfigPlace() {
    std::filesystem::create_directories(home);
    std::filesystem::create_directories(dir + "/work");
    std::filesystem::current_path(dir + "/work");
    setenv("HOME", home.c_str(), 1);
  }
  ~ConfigPlace() {
    std::filesystem::current_path(previous_dir);
    setenv("HOME", previous_home.c_str(), 1);
    for (const char* name : {"CICADA_USERS", "LOCUST_USERS", "CICADA_TAGS"}) unsetenv(name);
  }
  void write(const std::string& path, const std::string& text) const {
    std::ofstream(path) << text;
  }
};

ParseResult parse(std::vector<std::string> args, Program program = Program::kStandalone) {
  args.insert(args.begin(), "cicada");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  return parse_options(static_cast<int>(argv.size()), argv.data(), program);
}

std::int64_t users(const ParseResult& result) {
  INFO(result.err);
  REQUIRE(result.options);
  REQUIRE(result.options->users);
  return *result.options->users;
}

}  // namespace

TEST_CASE("options: config files in Locust's order, then the environment, then the command line") {
  ConfigPlace place;
  place.write(place.home + "/.locust.conf", "users = 1\nspawn-rate = 7\n");
  CHECK(users(parse({})) == 1);
  place.write("locust.conf", "users: 2\n");
  CHECK(users(parse({})) == 2);
  place.write("pyproject.toml", "[tool.locust]\nusers = 3\n");
  CHECK(users(parse({})) == 3);
  place.write("cicada.conf", "users 4\n");
  CHECK(users(parse({})) == 4);
  place.write(place.dir + "/extra.conf", "--users 5\n");
  CHECK(users(parse({"--config", place.dir + "/extra.conf"})) == 5);
  setenv("LOCUST_USERS", "6", 1);
  CHECK(users(parse({"--config", place.dir + "/extra.conf"})) == 6);
  CHECK(users(parse({"--config", place.dir + "/extra.conf", "-u", "8"})) == 8);
  // Settings no later source gives stay: the spawn rate from ~/.locust.conf.
  CHECK(*parse({}).options->spawn_rate == 7);
}

TEST_CASE("options: an unknown key, a bad flag value or a list for one value is exit 2") {
  ConfigPlace place;
  place.write("locust.conf", "users = 2\nuserz = 3\n");
  auto result = parse({});
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "cicada: error: locust.conf:2: unknown setting 'userz' (keys are long option names, as in "
        "--help)\n");
  place.write("locust.conf", "headless = maybe\n");
  CHECK(parse({}).err.find("locust.conf:1: 'headless' is a flag: 'maybe' is not true") !=
        std::string::npos);
  place.write("locust.conf", "users = [1, 2]\n");
  CHECK(parse({}).err == "cicada: error: locust.conf:1: 'users' takes one value, not a list\n");
  CHECK(parse({"--config", "missing.conf"}).err ==
        "cicada: error: missing.conf: no such config file (--config)\n");
  // A key a program does not have is unknown to it: workers have no --headless.
  place.write("locust.conf", "headless = true\n");
  CHECK(parse({}, Program::kWorker).exit_code == 2);
}

TEST_CASE("options: flags and lists from a file; the command line replaces a list") {
  ConfigPlace place;
  place.write("locust.conf", "headless\nonly-summary = false\ntags = [checkout, browse]\n");
  auto result = parse({});
  REQUIRE(result.options);
  CHECK(result.options->headless);
  CHECK_FALSE(result.options->only_summary);
  CHECK(result.options->tags == std::vector<std::string>{"checkout", "browse"});
  result = parse({"-T", "search"});
  REQUIRE(result.options);
  CHECK(result.options->tags == std::vector<std::string>{"search"});
}

TEST_CASE("options: long options may be abbreviated to an unambiguous prefix, as in argparse") {
  ConfigPlace place;
  auto result = parse({"--spawn", "5", "--run=10", "--head", "--csv", "out"});
  INFO(result.err);
  REQUIRE(result.options);
  CHECK(*result.options->spawn_rate == 5);
  CHECK(*result.options->run_time_seconds == 10);
  CHECK(result.options->headless);
  CHECK(*result.options->csv_prefix == "out");  // exact names win over longer ones
  result = parse({"--ex", "1"});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("ambiguous option: --ex could match --exclude-tags, ") !=
        std::string::npos);
}

}  // namespace cicada::cli
