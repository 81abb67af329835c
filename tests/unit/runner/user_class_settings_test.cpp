#include "cicada/runner/user_class_settings.hpp"

#include <doctest/doctest.h>

namespace cicada {

TEST_CASE("user class settings read as Locust's web UI and update_user_class send them") {
  const auto read = read_user_class_settings_json(
      R"({"user_class_name": "Shopper", "host": "http://127.0.0.1:8080", "weight": 3,
          "fixed_count": 0, "tasks": ["browse", "buy"], "color": "red"})");
  REQUIRE(read.size() == 1);
  const auto& settings = read.front().settings;
  CHECK(settings.user_class_name == "Shopper");
  CHECK(settings.host == "http://127.0.0.1:8080");
  CHECK(settings.weight == 3);
  CHECK(settings.fixed_count == 0);
  CHECK(settings.tasks == std::vector<std::string>{"browse", "buy"});
  CHECK(read.front().ignored_keys == std::vector<std::string>{"color"});

  SUBCASE("absent keys stay unset, a null host clears it, numbers may come as text") {
    const auto only_weight =
        read_user_class_settings_json(R"({"user_class_name": "A", "weight": "2.5"})");
    CHECK(only_weight.front().settings.weight == 2.5);
    CHECK_FALSE(only_weight.front().settings.host);
    CHECK_FALSE(only_weight.front().settings.tasks);
    const auto cleared = read_user_class_settings_json(
        R"([{"user_class_name": "A", "host": null}, {"user_class_name": "B", "fixed_count": "4"}])");
    REQUIRE(cleared.size() == 2);
    CHECK(cleared[0].settings.host == "");
    CHECK(cleared[1].settings.fixed_count == 4);
  }

  SUBCASE("what the wire carries reads back the same") {
    const auto again = read_user_class_settings(to_value(settings));
    CHECK(again.settings.user_class_name == "Shopper");
    CHECK(again.settings.host == settings.host);
    CHECK(again.settings.weight == settings.weight);
    CHECK(again.settings.fixed_count == settings.fixed_count);
    CHECK(again.settings.tasks == settings.tasks);
    CHECK(again.ignored_keys.empty());
  }
}

TEST_CASE("bad user class settings are refused, naming what is wrong") {
  const auto error_of = [](const char* json) {
    try {
      read_user_class_settings_json(json);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(error_of(R"({"weight": 2})") == "user class settings need a 'user_class_name'");
  CHECK(error_of(R"([1])") == "user class settings must be an object, not int");
  CHECK(error_of(R"({"user_class_name": "A", "weight": "heavy"})") ==
        "user class settings: 'weight' must be a number, not str");
  CHECK(error_of(R"({"user_class_name": "A", "fixed_count": 1.5})") ==
        "user class settings: 'fixed_count' must be a whole number");
  CHECK(error_of(R"({"user_class_name": "A", "tasks": "browse"})") ==
        "user class settings: 'tasks' must be a list of task names");
  CHECK(error_of(R"({"user_class_name": "A", "host": 80})") ==
        "user class settings: 'host' must be a URL");
  CHECK(error_of(R"({"user_class_name": )").starts_with("user class settings are not valid JSON"));
}

}  // namespace cicada
