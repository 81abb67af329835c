// Locust's config-file dialect (ConfigArgParse's): every way of writing a
// setting that Locust reads, and lines that are no setting.
#include <doctest/doctest.h>

#include "config_file.hpp"

namespace cicada::cli {
namespace {

ConfigSetting only_setting(const std::string& text) {
  const auto settings = parse_config_text(text, "test.conf");
  REQUIRE(settings.size() == 1);
  return settings[0];
}

}  // namespace

TEST_CASE("config files: 'key = value', 'key: value', 'key value' and '--key value' agree") {
  for (const char* line : {"users = 10", "users: 10", "users 10", "--users 10", "--users=10",
                           "  users=10  ", "users = \"10\"", "users: '10'"}) {
    INFO(line);
    const auto setting = only_setting(line);
    CHECK(setting.key == "users");
    CHECK(setting.values == std::vector<std::string>{"10"});
    CHECK_FALSE(setting.is_list);
    CHECK(setting.where == "test.conf:1");
  }
}

TEST_CASE("config files: a bare key is a flag, a list is [a, b], values keep their colons") {
  CHECK(only_setting("headless").values.empty());
  const auto tags = only_setting("tags = [checkout, \"browse\", 'search' ]");
  CHECK(tags.is_list);
  CHECK(tags.values == std::vector<std::string>{"checkout", "browse", "search"});
  CHECK(only_setting("exclude-tags = []").values.empty());
  CHECK(only_setting("host: http://127.0.0.1:8080/a#top").values[0] ==
        "http://127.0.0.1:8080/a#top");
  CHECK(only_setting("host = http://127.0.0.1:8080 # the target").values[0] ==
        "http://127.0.0.1:8080");
}

TEST_CASE("config files: comments, sections and '---' lines are skipped; line numbers count") {
  const auto settings = parse_config_text(
      "# Locust settings\n; another comment\n[locust]\n---\n\nusers = 3\nrun-time 1m\n", "a.conf");
  REQUIRE(settings.size() == 2);
  CHECK(settings[0].where == "a.conf:6");
  CHECK(settings[1].key == "run-time");
  CHECK(settings[1].values[0] == "1m");
}

TEST_CASE("config files: pyproject.toml counts only its [tool.locust] table") {
  const auto settings = parse_config_text(
      "[project]\nname = \"shop\"\n\n[tool.locust]\nusers = 5\nheadless = true\n"
      "tags = [\"a\", \"b\"]\n\n[tool.other]\nusers = 9\n",
      "pyproject.toml", "tool.locust");
  REQUIRE(settings.size() == 3);
  CHECK(settings[0].values[0] == "5");
  CHECK(settings[1].values[0] == "true");
  CHECK(settings[2].values == std::vector<std::string>{"a", "b"});
}

TEST_CASE("config files: a line that is no setting is an error naming the file and line") {
  CHECK_THROWS_WITH_AS(parse_config_text("users = 1\n= 5\n", "bad.conf"),
                       "bad.conf:2: not a setting: '= 5'", ConfigError);
  CHECK_THROWS_WITH_AS(parse_config_text("users =\n", "bad.conf"),
                       "bad.conf:1: 'users' has no value", ConfigError);
  CHECK_THROWS_AS(read_config_file("/nonexistent/locust.conf"), ConfigError);
}

}  // namespace cicada::cli
