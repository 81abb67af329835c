// YAML scenarios: a scenario with every key runs in-process against the
// target server; malformed files fail with one error naming the place.
#include "cicada/scenario/scenario.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "cicada/runner/environment.hpp"
#include "cicada/runner/local_runner.hpp"
#include "cicada/target/target_server.hpp"
#include "support/child_process.hpp"
#include "support/loop.hpp"

namespace cicada::scenario {
namespace {

std::string every_key_scenario(std::uint16_t port) {
  return "host: http://127.0.0.1:" + std::to_string(port) + R"(
data:
  - {name: accounts, csv: accounts.csv, mode: cycle}
users:
  - name: Browser
    weight: 3
    wait_time: {between: [0.005, 0.01]}
    tags: [web]
    on_start:
      - post: /login
        json: {user: "u${user_index}-${accounts.username}", password: secret, remember: true, tries: 3}
        capture: {token: {json: "$.token"}}
        expect: {status: 200, json: {"$.token": "t-u${user_index}-${accounts.username}"}}
    on_stop:
      - get: /cookies
    tasks:
      - get: /
        weight: 2
      - get: /json?id=${random_int(1,100)}
        name: /json
        headers: {Authorization: "Bearer ${token}"}
        expect: {status: 200, body_contains: abc, json: {"$.items[1].id": 2, "$.ok": true}}
        capture: {first: {regex: '"id": (\d+)'}, server: {header: Server}}
      - sequence:
          - get: /cookies/set?cart=${uuid()}
            name: /cookies/set
          - post: /echo
            form: {id: "1", who: "${server}"}
            expect: {body_contains: "id=1&who="}
            think: 0.005
          - put: /echo
            body: "raw ${random_string(5)} ${env.HOME}"
            query: {q: "${first}"}
            name: /echo
        tags: [checkout]
  - name: Api
    fixed_count: 1
    wait_time: {constant: 0.01}
    tasks:
      - delete: /echo
        expect: {status: [200, 204]}
      - get: /status/404
        expect: {status: 404}
      - patch: /echo
        json: [1, "two", null, true, 2.5]
        expect: {body_contains: '[1,"two",null,true,2.5]'}
      - head: /
      - options: /
        tags: [api]
)";
}

struct ScenarioFiles {
  std::string dir = test::make_temp_dir("cicada-scenario");
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  }
  ScenarioFiles() { write("accounts.csv", "username,password\nalice,a1\nbob,\"b,2\"\n"); }
};

}  // namespace

TEST_CASE("a scenario with every key runs, and its stats match what the server saw") {
  ScenarioFiles files;
  EnvironmentOptions options;
  options.seed = 7;
  options.stop_timeout_seconds = 5;  // let tasks finish, so nothing is in flight at the end

  std::uint16_t port = 0;
  {
    asio::io_context probe;
    target::TargetServer temporary(probe);
    port = temporary.listen("127.0.0.1", 0);
  }
  const Scenario scenario = load_scenario(files.write("full.yaml", every_key_scenario(port)));
  REQUIRE(scenario.user_classes.size() == 2);
  CHECK(scenario.host == "http://127.0.0.1:" + std::to_string(port));

  Environment env(scenario.user_classes, options);
  // The environment's loop also runs the target server (declared after env: it goes first).
  auto server = std::make_unique<target::TargetServer>(env.io_context());
  server->listen("127.0.0.1", port);
  auto& runner = env.create_local_runner();
  runner.start(4, 100);
  runner.call_later(std::chrono::seconds(2), [&] { runner.quit(); });
  runner.join();

  const auto& stats = env.stats();
  CHECK(stats.total().num_requests() > 50);
  CHECK(stats.total().num_failures() == 0);
  for (const auto* error : stats.errors_in_order())
    FAIL_CHECK(error->method << " " << error->name << ": " << error->error);
  // Every route the server saw was recorded exactly as often, and nothing else was.
  std::int64_t recorded = 0;
  for (const auto& [key, count] : server->counts()) {
    const auto space = key.find(' ');
    const auto* entry = stats.find(key.substr(space + 1), key.substr(0, space));
    INFO("route " << key);
    REQUIRE(entry != nullptr);
    CHECK(entry->num_requests() == count);
    recorded += count;
  }
  CHECK(recorded == stats.total().num_requests());
  for (const char* route :
       {"POST /login", "GET /", "GET /json", "GET /cookies/set", "POST /echo", "PUT /echo",
        "DELETE /echo", "GET /status/404", "PATCH /echo", "HEAD /", "OPTIONS /", "GET /cookies"}) {
    CHECK_MESSAGE(server->counts().count(route) == 1, route);
  }
}

TEST_CASE("tags from the command line pick tasks in a scenario") {
  ScenarioFiles files;
  const Scenario scenario = load_scenario(files.write("full.yaml", every_key_scenario(1)));
  EnvironmentOptions options;
  options.tags = {"api"};
  UserClass api = scenario.user_classes[1];
  api.filter_tasks(options.tags, {});
  REQUIRE(api.tasks().tasks.size() == 1);
  CHECK(api.tasks().tasks[0].name == "OPTIONS /");
  UserClass browser = scenario.user_classes[0];
  browser.filter_tasks({"checkout"}, {});
  REQUIRE(browser.tasks().tasks.size() == 1);
  CHECK(browser.tasks().tasks[0].name == "sequence");
}

TEST_CASE("every example scenario loads") {
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(CICADA_EXAMPLES_DIR "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO("example " << entry.path().string());
    CHECK_NOTHROW(load_scenario(entry.path().string()));
    ++loaded;
  }
  CHECK(loaded >= 2);
}

TEST_CASE("stages make a load shape: each stage until its end time, optionally some classes") {
  ScenarioFiles files;
  const auto path = files.write("stages.yaml",
                                "users:\n  - {name: A, tasks: [{get: /}]}\n"
                                "  - {name: B, tasks: [{get: /}]}\n"
                                "stages:\n"
                                "  - {duration: 30, users: 10, spawn_rate: 2}\n"
                                "  - {duration: 1m30s, users: 50, spawn_rate: 5, classes: [B]}\n"
                                "  - {duration: 100.5, users: 0, spawn_rate: 10}\n");
  const auto loaded = scenario::load_scenario(path);
  const auto* shape = dynamic_cast<const StagesShape*>(loaded.shape.get());
  REQUIRE(shape != nullptr);
  CHECK(shape->tick_at(29) == ShapeTick{10, 2, std::nullopt});
  CHECK(shape->tick_at(30) == ShapeTick{50, 5, std::vector<std::string>{"B"}});
  CHECK(shape->tick_at(100) == ShapeTick{0, 10, std::nullopt});
  CHECK_FALSE(shape->tick_at(100.5).has_value());
  CHECK(scenario::load_scenario(
            files.write("plain.yaml", "users:\n  - {name: A, tasks: [{get: /}]}\n"))
            .shape == nullptr);
}

TEST_CASE("arrival_rate makes an open-model class: a rate, a cap and an optional ramp") {
  ScenarioFiles files;
  const auto path = files.write(
      "open.yaml",
      "users:\n"
      "  - name: Checkout\n"
      "    arrival_rate:\n"
      "      rate: 10\n"
      "      max_concurrency: 40\n"
      "      ramp: [{to: 100, over: 1m}, {to: 0, over: 30}]\n"
      "    tasks: [{get: /buy}]\n"
      "  - {name: Browse, tasks: [{get: /}]}\n");
  const auto loaded = load_scenario(path);
  REQUIRE(loaded.user_classes.size() == 2);
  const auto& rate = loaded.user_classes[0].arrival_rate();
  REQUIRE(rate.has_value());
  CHECK(rate->rate == 10);
  CHECK(rate->max_concurrency == 40);
  REQUIRE(rate->ramp.size() == 2);
  CHECK(rate->ramp[0].to_rate == 100);
  CHECK(rate->ramp[0].over_seconds == 60);
  CHECK(rate->ramp[1].over_seconds == 30);
  CHECK_FALSE(loaded.user_classes[1].open_model());
  const auto defaults = load_scenario(files.write(
      "default.yaml", "users:\n  - {name: U, arrival_rate: {rate: 2}, tasks: [{get: /}]}\n"));
  CHECK(defaults.user_classes[0].arrival_rate()->max_concurrency == 1000);
}

TEST_CASE("each kind of mistake is one error naming file, line and column") {
  ScenarioFiles files;
  struct Case {
    const char* what;
    std::string yaml;
    std::string error;
  };
  const std::string task = "users:\n  - name: U\n    tasks:\n";
  const std::vector<Case> cases = {
      {"broken YAML", "users: [\n", ":2:1: invalid YAML: end of sequence flow not found"},
      {"a json body that is not UTF-8 (found by fuzzing)",
       task + "      - post: /x\n        json: {name: \"caf\xe9\"}\n",
       ":5:15: json body is not valid UTF-8 text"},
      {"not a map", "- a\n- b\n",
       ":1:1: a scenario must be a map with 'users' (and optionally 'host' and 'data')"},
      {"no users", "host: http://127.0.0.1:1\n",
       ":1:1: 'users' must be a non-empty list of user classes"},
      {"unknown top-level key", "hosts: x\nusers: []\n",
       ":1:1: unknown key 'hosts' in the scenario (expected one of: data, host, http, stages, "
       "thresholds, users)"},
      {"host without scheme", "host: localhost:8080\nusers: []\n",
       ":1:7: host must start with http:// or https://, got 'localhost:8080'"},
      {"user without name", "users:\n  - weight: 1\n    tasks: [{get: /}]\n",
       ":2:5: a user class needs a name"},
      {"typo in a step", task + "      - get: /\n        heders: {A: b}\n",
       ":5:9: unknown key 'heders' in a step (expected one of: body, capture, delete, expect, "
       "form, get, head, "
       "headers, json, name, options, patch, post, put, query, sequence, tags, think, timeout, "
       "weight)"},
      {"two methods", task + "      - {get: /, post: /x}\n",
       ":4:9: a step has one method, found get and post"},
      {"no method", task + "      - name: x\n",
       ":4:9: a step needs a method (get, post, put, patch, delete, head, options), think or "
       "sequence"},
      {"between reversed",
       "users:\n  - name: U\n    wait_time: {between: [2, 1]}\n    tasks: [{get: /}]\n",
       ":3:26: between(min, max) needs 0 <= min <= max"},
      {"unknown wait time",
       "users:\n  - name: U\n    wait_time: {sometimes: 1}\n    tasks: [{get: /}]\n",
       ":3:17: unknown wait_time 'sometimes' (constant, between, constant_pacing, "
       "constant_throughput)"},
      {"bad template", task + "      - get: /x?${random_int(5)}\n",
       ":4:14: get: random_int(min, max) takes two numbers"},
      {"unclosed template", task + "      - get: /x?${id\n",
       ":4:14: get: '${' without a closing '}'"},
      {"variable never captured", task + "      - get: /\n        headers: {A: \"${tokn}\"}\n",
       ":5:22: '${tokn}' is never captured in user class U"},
      {"weight and fixed_count",
       "users:\n  - name: U\n    weight: 1\n    fixed_count: 2\n    tasks: [{get: /}]\n",
       ":4:18: use weight or fixed_count, not both"},
      {"status out of range", task + "      - get: /\n        expect: {status: 999}\n",
       ":5:26: expect.status 999 is not an HTTP status"},
      {"bad regex", task + "      - get: /\n        capture: {x: {regex: \"(unclosed\"}}\n",
       ":5:30: capture x: invalid regex"},
      {"two bodies", task + "      - post: /\n        json: {a: 1}\n        body: x\n",
       ":4:9: use one of json, body and form, not several"},
      {"missing data file", "data: [{name: d, csv: nowhere.csv}]\n" + task + "      - get: /\n",
       ":1:23: cannot read data file"},
      {"unknown data column",
       "data: [{name: accounts, csv: accounts.csv}]\n" + task +
           "      - get: /${accounts.pasword}\n",
       ":5:14: '${accounts.pasword}': data set 'accounts' has no column 'pasword'"},
      {"duplicate user names",
       "users:\n  - {name: U, tasks: [{get: /}]}\n  - {name: U, tasks: [{get: /}]}\n",
       ":3:12: two user classes are named 'U'"},
      {"empty tasks", "users:\n  - name: U\n    tasks: []\n",
       ":3:12: user class U needs a non-empty list of tasks"},
      {"stages not growing",
       task + "      - get: /\nstages:\n  - {duration: 1m, users: 5, spawn_rate: 1}\n"
              "  - {duration: 30, users: 9, spawn_rate: 1}\n",
       ":7:16: a stage's duration is when it ends, counted from the start of the test (as in "
       "Locust's StagesShape): it must be later than the stage before"},
      {"stage without users", task + "      - get: /\nstages:\n  - {duration: 10, spawn_rate: 1}\n",
       ":6:5: a stage needs users"},
      {"stage with a bad duration",
       task + "      - get: /\nstages:\n  - {duration: soon, users: 1, spawn_rate: 1}\n",
       ":6:16: duration must be seconds or a time span such as 1m30s, got 'soon'"},
      {"stage naming an unknown class",
       task + "      - get: /\nstages:\n  - {duration: 5, users: 1, spawn_rate: 1, classes: [V]}\n",
       ":6:53: no user class is named 'V'"},
      {"arrival rate with a wait time",
       "users:\n  - name: U\n    arrival_rate: {rate: 5}\n    wait_time: {constant: 1}\n"
       "    tasks: [{get: /}]\n",
       ":4:16: wait_time has no meaning with arrival_rate: iterations start on the rate's "
       "schedule, not per user"},
      {"arrival rate without a rate",
       "users:\n  - name: U\n    arrival_rate: {max_concurrency: 5}\n    tasks: [{get: /}]\n",
       ":3:19: arrival_rate must be a map with rate (iterations per second), and optionally "
       "max_concurrency and ramp"},
      {"arrival rate cap of 0",
       "users:\n  - name: U\n    arrival_rate: {rate: 5, max_concurrency: 0}\n"
       "    tasks: [{get: /}]\n",
       ":3:19: max_concurrency must be >= 1"},
      {"ramp step without a duration",
       "users:\n  - name: U\n    arrival_rate: {rate: 5, ramp: [{to: 10}]}\n"
       "    tasks: [{get: /}]\n",
       ":3:36: each ramp step needs to (a rate) and over (a duration)"},
      {"weight on on_start",
       "users:\n  - name: U\n    on_start: [{get: /, weight: 2}]\n    tasks: [{get: /}]\n",
       ":3:33: weight and tags apply to tasks, not to on_start/on_stop or sequence steps"},
  };
  for (const Case& c : cases) {
    INFO("case: " << std::string(c.what));
    const std::string path = files.write("bad.yaml", c.yaml);
    try {
      load_scenario(path);
      FAIL_CHECK("no error");
    } catch (const ScenarioError& e) {
      const std::string message = e.what();
      CHECK(message.rfind(path + c.error, 0) == 0);
      if (message.rfind(path + c.error, 0) != 0) MESSAGE("got: " << message);
    }
  }
}

}  // namespace cicada::scenario
