// The web UI and HTTP API as Locust users and their tools use them: real
// cicada, cicada-master and cicada-worker processes, a real target server,
// Debian's real Locust 2.12.1 for the key comparison, promtool for /metrics.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "support/child_process.hpp"
#include "support/http_fetch.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// Locust 2.46's keys (reference §5.3.1) and 2.12.1's (§5.6): cicada serves the union.
const std::set<std::string> kEntryKeys = {"method",
                                          "name",
                                          "safe_name",
                                          "num_requests",
                                          "num_failures",
                                          "min_response_time",
                                          "max_response_time",
                                          "current_rps",
                                          "current_fail_per_sec",
                                          "avg_response_time",
                                          "median_response_time",
                                          "total_rps",
                                          "total_fail_per_sec",
                                          "response_time_percentile_0.95",
                                          "response_time_percentile_0.99",
                                          "ninetieth_response_time",
                                          "ninety_ninth_response_time",
                                          "avg_content_length"};
const std::set<std::string> kTopKeys = {"stats",
                                        "errors",
                                        "current_rps",
                                        "current_fail_per_sec",
                                        "total_rps",
                                        "total_fail_per_sec",
                                        "fail_ratio",
                                        "current_response_time_percentiles",
                                        "current_response_time_percentile_50",
                                        "current_response_time_percentile_95",
                                        "state",
                                        "user_count"};
const std::set<std::string> kErrorKeys = {"method",      "name",       "error",
                                          "occurrences", "first_seen", "last_seen"};

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

std::set<std::string> missing(const std::set<std::string>& wanted, const json& object) {
  std::set<std::string> absent;
  for (const auto& key : wanted) {
    if (!object.contains(key)) absent.insert(key);
  }
  return absent;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

json get_json(unsigned short port, const std::string& target) {
  const auto reply = test::get(port, target);
  REQUIRE_MESSAGE(reply.status == 200, target << ": " << reply.status << " " << reply.body);
  return json::parse(reply.body);
}

struct Target {
  std::string dir = test::make_temp_dir("cicada-web");
  unsigned short port = test::free_port();
  test::ChildProcess process{{CICADA_TARGET_BINARY, "--port", std::to_string(port)},
                             dir + "/target.log"};
  Target() {
    wait_until(
        [&] { return test::read_file(dir + "/target.log").find("listening") != std::string::npos; },
        5s);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  std::string scenario() const {
    const std::string path = dir + "/scenario.yaml";
    std::ofstream(path) << "users:\n  - name: Browser\n    wait_time: {constant: 0.05}\n"
                        << "    tasks:\n      - get: /\n      - get: /status/500\n";
    return path;
  }
};

// cicada with its UI on a free port, serving once "Starting web interface" is logged.
struct UiProcess {
  unsigned short web_port = test::free_port();
  std::string log;
  test::ChildProcess process;

  UiProcess(const std::string& binary, std::vector<std::string> args, const std::string& dir)
      : log(dir + "/" + std::to_string(web_port) + ".log"),
        process(with_port(binary, std::move(args), web_port), log) {
    REQUIRE(wait_until(
        [&] { return test::read_file(log).find("Starting web interface") != std::string::npos; }));
  }

  static std::vector<std::string> with_port(const std::string& binary,
                                            std::vector<std::string> args, unsigned short port) {
    args.insert(args.begin(), binary);
    args.insert(args.end(), {"--web-host", "127.0.0.1", "--web-port", std::to_string(port)});
    return args;
  }
};

}  // namespace

TEST_CASE("a person starts, re-targets, resets and stops a test through the UI's routes") {
  Target target;
  UiProcess ui(CICADA_STANDALONE_BINARY, {"-f", target.scenario(), "-H", target.url()}, target.dir);

  const auto page = test::get(ui.web_port, "/");
  CHECK(page.status == 200);
  CHECK(page.body.find("window.templateArgs = {") != std::string::npos);
  CHECK(page.body.find("\"history\":[]") != std::string::npos);  // nothing ran yet
  CHECK(test::get(ui.web_port, "/assets/uPlot.iife.min.js").status == 200);
  CHECK(get_json(ui.web_port, "/stats/requests")["state"] == "ready");

  const auto started = test::fetch(ui.web_port, "POST", "/swarm",
                                   "user_count=4&spawn_rate=100&host=" + target.url());
  REQUIRE(started.status == 200);
  const json swarm = json::parse(started.body);
  CHECK(swarm["success"] == true);
  CHECK(swarm["message"] == "Swarming started");
  CHECK(swarm["host"] == target.url());

  // Wait past the 2 s cache for a picture with requests and errors in it.
  json stats;
  REQUIRE(wait_until([&] {
    stats = get_json(ui.web_port, "/stats/requests");
    return stats["user_count"] == 4 && stats["stats"].size() == 3 && !stats["errors"].empty();
  }));
  CHECK(stats["state"] == "running");
  CHECK(missing(kTopKeys, stats).empty());
  for (const auto& entry : stats["stats"]) CHECK(missing(kEntryKeys, entry).empty());
  CHECK(missing(kErrorKeys, stats["errors"][0]).empty());
  CHECK(stats["stats"].back()["name"] == "Aggregated");
  CHECK(stats["fail_ratio"].get<double>() > 0.3);
  // Exact percentiles beside Locust's rounded ones.
  CHECK(stats["stats"][0]["exact_response_time_percentiles"]["0.5"].is_number());

  const json tasks = get_json(ui.web_port, "/tasks");
  CHECK(tasks["per_class"]["Browser"]["ratio"] == 1.0);
  CHECK(tasks["per_class"]["Browser"]["tasks"]["GET /"]["ratio"] == 0.5);
  CHECK(tasks["total"]["Browser"]["tasks"]["GET /status/500"]["ratio"] == 0.5);

  const auto csv = test::get(ui.web_port, "/stats/requests/csv");
  CHECK(csv.status == 200);
  CHECK(csv.headers.at("content-type") == "text/csv");
  CHECK(csv.headers.at("content-disposition").find("attachment;filename=Locust_") == 0);
  CHECK(csv.body.starts_with("Type,Name,Request Count,Failure Count,Median Response Time"));
  CHECK(test::get(ui.web_port, "/stats/failures/csv").body.find("/status/500") !=
        std::string::npos);

  // Edit: fewer users, same test.
  REQUIRE(test::fetch(ui.web_port, "POST", "/swarm", "user_count=1&spawn_rate=100").status == 200);
  CHECK(wait_until([&] { return get_json(ui.web_port, "/stats/requests")["user_count"] == 1; }));

  CHECK(test::get(ui.web_port, "/stats/reset").body == "ok");
  const json after_reset = get_json(ui.web_port, "/stats/requests");
  CHECK(after_reset["errors"].size() <= 1);  // at most the few failures since the reset

  const json stopped = get_json(ui.web_port, "/stop");
  CHECK(stopped["success"] == true);
  CHECK(stopped["message"] == "Test stopped");
  CHECK(wait_until([&] { return get_json(ui.web_port, "/stats/requests")["state"] == "stopped"; }));

  const json logs = get_json(ui.web_port, "/logs");
  bool ramp_logged = false;
  for (const auto& line : logs["master"]) {
    ramp_logged =
        ramp_logged || line.get<std::string>().find("Ramping to 4 users") != std::string::npos;
  }
  CHECK(ramp_logged);
  CHECK(logs["workers"].is_object());

  // Ctrl-C ends it cleanly: 0, or 1 if /status/500 failed after the reset (a sanitizer abort is
  // 134).
  ui.process.signal(SIGINT);
  const int code = ui.process.wait(20s);
  CHECK((code == 0 || code == 1));
}

TEST_CASE("/swarm answers bad input with a message that names it, and starts nothing") {
  Target target;
  UiProcess ui(CICADA_STANDALONE_BINARY, {"-f", target.scenario(), "-H", target.url()}, target.dir);
  struct Case {
    std::string form;
    std::string message;
  };
  for (const Case& bad :
       {Case{"user_count=many&spawn_rate=1",
             "user_count must be a whole number of users, got 'many'"},
        Case{"user_count=2&spawn_rate=0", "spawn_rate must be a number above 0, got '0'"},
        Case{"user_count=2", "Missing user_count or spawn_rate from /swarm request"},
        Case{"user_count=2&spawn_rate=1&run_time=soon",
             "Valid run_time formats are : 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc."}}) {
    CAPTURE(bad.form);
    const auto reply = test::fetch(ui.web_port, "POST", "/swarm", bad.form);
    CHECK(reply.status == 400);
    const json body = json::parse(reply.body);
    CHECK(body["success"] == false);
    CHECK(body["message"] == bad.message);
  }
  CHECK(test::get(ui.web_port, "/swarm").status == 405);
  CHECK(test::get(ui.web_port, "/no/such/route").status == 404);
  CHECK(get_json(ui.web_port, "/stats/requests")["state"] == "ready");
}

TEST_CASE("the chart's percentiles are exact over the last 10 s, beside Locust's rounded ones") {
  Target target;
  UiProcess ui(CICADA_STANDALONE_BINARY, {"-f", target.scenario(), "-H", target.url()}, target.dir);
  REQUIRE(test::fetch(ui.web_port, "POST", "/swarm", "user_count=2&spawn_rate=10").status == 200);
  json current;
  REQUIRE(wait_until(
      [&] {
        current =
            get_json(ui.web_port, "/stats/requests")["exact_current_response_time_percentiles"];
        return current["response_time_percentile_0.95"].is_number();
      },
      30s));
  const double p50 = current["response_time_percentile_0.5"].get<double>();
  const double p95 = current["response_time_percentile_0.95"].get<double>();
  CHECK(p50 > 0);  // a loopback answer takes microseconds, not zero
  CHECK(p95 >= p50);
  CHECK(p95 < 1000);
}

TEST_CASE("with a load shape, the page says so and /swarm hands the users to the shape") {
  Target target;
  const std::string scenario = target.dir + "/shaped.yaml";
  std::ofstream(scenario) << "users:\n  - name: Browser\n    wait_time: {constant: 0.05}\n"
                          << "    tasks:\n      - get: /\n"
                          << "stages:\n  - {duration: 60, users: 3, spawn_rate: 100}\n";
  UiProcess ui(CICADA_STANDALONE_BINARY, {"-f", scenario, "-H", target.url()}, target.dir);
  const auto page = test::get(ui.web_port, "/");
  CHECK(page.body.find("\"is_shape\":true") != std::string::npos);
  CHECK(page.body.find("\"shape_name\":\"StagesShape\"") != std::string::npos);

  // The page's form sends no counts for a shape: they are not needed.
  const auto started = test::fetch(ui.web_port, "POST", "/swarm", "host=" + target.url());
  REQUIRE(started.status == 200);
  CHECK(json::parse(started.body)["message"] == "Swarming started using shape class");
  CHECK(wait_until([&] { return get_json(ui.web_port, "/stats/requests")["user_count"] == 3; }));
  REQUIRE(test::fetch(ui.web_port, "GET", "/stop", "").status == 200);
  CHECK(wait_until([&] { return get_json(ui.web_port, "/stats/requests")["state"] == "stopped"; }));
}

TEST_CASE("/swarm's run_time stops the test and the UI keeps serving") {
  Target target;
  UiProcess ui(CICADA_STANDALONE_BINARY, {"-f", target.scenario(), "-H", target.url()}, target.dir);
  const auto reply =
      test::fetch(ui.web_port, "POST", "/swarm", "user_count=2&spawn_rate=10&run_time=2s");
  CHECK(json::parse(reply.body)["run_time"] == 2);
  CHECK(wait_until([&] { return get_json(ui.web_port, "/stats/requests")["state"] == "stopped"; },
                   20s));
  CHECK(ui.process.running());
}

TEST_CASE("every route lives under --web-base-path and nowhere else") {
  Target target;
  UiProcess ui(CICADA_STANDALONE_BINARY,
               {"-f", target.scenario(), "-H", target.url(), "--web-base-path", "/cicada/"},
               target.dir);
  CHECK(test::get(ui.web_port, "/cicada/stats/requests").status == 200);
  CHECK(test::get(ui.web_port, "/cicada").status == 200);
  CHECK(test::get(ui.web_port, "/cicada/assets/app.js").status == 200);
  CHECK(test::get(ui.web_port, "/stats/requests").status == 404);
  CHECK(test::get(ui.web_port, "/cicadaX/stats/requests").status == 404);
}

TEST_CASE("a bad --web-base-path, a taken web port and --autoquit without --autostart exit 1") {
  Target target;
  const std::string scenario = target.scenario();
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), CICADA_STANDALONE_BINARY);
    const std::string log = target.dir + "/bad.log";
    const int code = test::run_command(args, log, 30s);
    return std::make_pair(code, test::read_file(log));
  };
  auto [code, output] = run({"-f", scenario, "--web-base-path", "cicada"});
  CHECK(code == 1);
  CHECK(output.find("--web-base-path must start with '/'") != std::string::npos);
  std::tie(code, output) = run({"-f", scenario, "--autoquit", "3"});
  CHECK(code == 1);
  CHECK(output.find("--autoquit is only meaningful in combination with --autostart") !=
        std::string::npos);
  // The target holds its port: the UI cannot bind it.
  std::tie(code, output) = run({"-f", scenario, "--web-port", std::to_string(target.port)});
  CHECK(code == 1);
  CHECK(output.find("web UI: cannot listen on 0.0.0.0:" + std::to_string(target.port)) !=
        std::string::npos);
}

TEST_CASE("--autostart runs the test at once, stops at --run-time and quits after --autoquit") {
  Target target;
  const std::string log = target.dir + "/autostart.log";
  const int code = test::run_command(
      {CICADA_STANDALONE_BINARY, "-f", target.scenario(), "-H", target.url(), "--autostart", "-u",
       "2", "-r", "10", "-t", "2", "--autoquit", "1", "--web-host", "127.0.0.1", "--web-port",
       std::to_string(test::free_port())},
      log, 30s);
  const std::string output = test::read_file(log);
  CHECK(code == 1);  // the /status/500 task fails, so --exit-code-on-error's 1
  CHECK(output.find("--run-time limit reached, stopping test") != std::string::npos);
  CHECK(output.find("--autoquit time reached, shutting down") != std::string::npos);
}

TEST_CASE("promtool accepts /metrics, which counts what /stats/requests counts") {
  Target target;
  UiProcess ui(CICADA_STANDALONE_BINARY, {"-f", target.scenario(), "-H", target.url()}, target.dir);
  REQUIRE(test::fetch(ui.web_port, "POST", "/swarm", "user_count=2&spawn_rate=10").status == 200);
  REQUIRE(wait_until([&] { return get_json(ui.web_port, "/stats/requests")["user_count"] == 2; }));
  std::this_thread::sleep_for(1s);
  get_json(ui.web_port, "/stop");
  REQUIRE(
      wait_until([&] { return get_json(ui.web_port, "/stats/requests")["state"] == "stopped"; }));
  std::this_thread::sleep_for(2100ms);  // past the stats cache, so both see the stopped test

  const auto metrics = test::get(ui.web_port, "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.headers.at("content-type").starts_with("text/plain; version=0.0.4"));
  const std::string file = target.dir + "/metrics.txt";
  std::ofstream(file) << metrics.body;
  const std::string check_log = target.dir + "/promtool.log";
  const int code =
      test::run_command({"/bin/sh", "-c", "promtool check metrics < " + file}, check_log, 30s);
  CHECK_MESSAGE(code == 0, test::read_file(check_log));

  const json stats = get_json(ui.web_port, "/stats/requests");
  for (const auto& entry : stats["stats"]) {
    if (entry["name"] == "Aggregated") continue;
    const std::string labels = "{method=\"GET\",name=\"" + entry["name"].get<std::string>() + "\"}";
    CHECK(metrics.body.find("cicada_requests_total" + labels + " " +
                            std::to_string(entry["num_requests"].get<long>()) + "\n") !=
          std::string::npos);
    CHECK(metrics.body.find("cicada_request_failures_total" + labels + " " +
                            std::to_string(entry["num_failures"].get<long>()) + "\n") !=
          std::string::npos);
  }
  CHECK(metrics.body.find("cicada_runner_state{state=\"stopped\"} 1\n") != std::string::npos);
}

TEST_CASE("the master's UI lists its workers from their heartbeats and runs the test on them") {
  Target target;
  const unsigned short master_port = test::free_port();
  UiProcess ui(CICADA_MASTER_BINARY,
               {"-f", target.scenario(), "-H", target.url(), "--master-bind-host", "127.0.0.1",
                "--master-bind-port", std::to_string(master_port)},
               target.dir);
  test::ChildProcess worker({CICADA_WORKER_BINARY, "-f", target.scenario(), "--master-host",
                             "127.0.0.1", "--master-port", std::to_string(master_port)},
                            target.dir + "/worker.log");
  REQUIRE(wait_until([&] { return get_json(ui.web_port, "/worker-count")["worker_count"] == 1; }));
  REQUIRE(test::fetch(ui.web_port, "POST", "/swarm", "user_count=3&spawn_rate=100").status == 200);
  json stats;
  REQUIRE(wait_until([&] {
    stats = get_json(ui.web_port, "/stats/requests");
    return stats["user_count"] == 3 && stats["stats"].size() == 3 && stats["workers"].size() == 1 &&
           stats["workers"][0]["user_count"] == 3;
  }));
  const json& node = stats["workers"][0];
  CHECK(keys_of(node) ==
        std::set<std::string>{"id", "state", "user_count", "cpu_usage", "memory_usage"});
  CHECK(node["state"] == "running");
  CHECK(node["memory_usage"].get<double>() > 0);
  CHECK(stats["worker_count"] == 1);
  CHECK(get_json(ui.web_port, "/stop")["success"] == true);
  CHECK(wait_until([&] { return get_json(ui.web_port, "/stats/requests")["state"] == "stopped"; }));
  CHECK(ui.process.running());  // with a UI the master outlives the test

  // The worker forwards its log every 10 s, as Locust's workers do.
  const std::string worker_id = node["id"];
  CHECK(wait_until(
      [&] {
        const json logs = get_json(ui.web_port, "/logs");
        return logs["workers"].contains(worker_id) && !logs["workers"][worker_id].empty();
      },
      25s));
}

TEST_CASE("cicada's /stats/requests has every key a real Locust 2.12.1 UI serves") {
  Target target;
  const std::string locustfile = target.dir + "/locustfile.py";
  std::ofstream(locustfile)
      << "from locust import HttpUser, constant, task\n\n"
         "class Browser(HttpUser):\n"
         "    wait_time = constant(0.05)\n\n"
         "    @task\n    def ok(self):\n        self.client.get('/')\n\n"
         "    @task\n    def fail(self):\n        self.client.get('/status/500')\n";
  const unsigned short locust_port = test::free_port();
  test::ChildProcess locust(
      {"/usr/bin/python3", "-m", "locust", "-f", locustfile, "-H", target.url(), "--web-host",
       "127.0.0.1", "--web-port", std::to_string(locust_port)},
      target.dir + "/locust.log");
  REQUIRE(wait_until([&] { return test::get(locust_port, "/stats/requests").status == 200; }, 30s));
  REQUIRE(test::fetch(locust_port, "POST", "/swarm", "user_count=2&spawn_rate=10").status == 200);
  json theirs;
  REQUIRE(wait_until(
      [&] {
        theirs = get_json(locust_port, "/stats/requests");
        return theirs["stats"].size() == 3 && !theirs["errors"].empty();
      },
      30s));

  UiProcess ui(CICADA_STANDALONE_BINARY, {"-f", target.scenario(), "-H", target.url()}, target.dir);
  REQUIRE(test::fetch(ui.web_port, "POST", "/swarm", "user_count=2&spawn_rate=10").status == 200);
  json ours;
  REQUIRE(wait_until([&] {
    ours = get_json(ui.web_port, "/stats/requests");
    return ours["stats"].size() == 3 && !ours["errors"].empty();
  }));
  CHECK(missing(keys_of(theirs), ours).empty());
  CHECK(missing(keys_of(theirs["stats"][0]), ours["stats"][0]).empty());
  CHECK(missing(keys_of(theirs["errors"][0]), ours["errors"][0]).empty());
  CHECK(missing(keys_of(get_json(locust_port, "/exceptions")), get_json(ui.web_port, "/exceptions"))
            .empty());
  const json their_tasks = get_json(locust_port, "/tasks");
  CHECK(keys_of(their_tasks) == keys_of(get_json(ui.web_port, "/tasks")));
  get_json(locust_port, "/stop");
}

namespace cicada {

TEST_CASE("the HTML report is one self-contained page, from the UI and from --html") {
  Target target;
  UiProcess ui(CICADA_STANDALONE_BINARY, {"-f", target.scenario(), "-H", target.url()}, target.dir);
  REQUIRE(test::fetch(ui.web_port, "POST", "/swarm", "user_count=2&spawn_rate=10").status == 200);
  REQUIRE(
      wait_until([&] { return get_json(ui.web_port, "/stats/requests")["stats"].size() == 3; }));

  const auto report = test::get(ui.web_port, "/stats/report?theme=dark");
  REQUIRE(report.status == 200);
  CHECK(report.headers.count("content-disposition") == 0);
  CHECK(report.body.find("data-theme=\"dark\"") != std::string::npos);
  CHECK(report.body.find("\"is_report\":true") != std::string::npos);
  CHECK(report.body.find("\"show_download_link\":true") != std::string::npos);
  // Nothing to fetch: no external scripts, styles or images.
  CHECK(report.body.find("src=\"http") == std::string::npos);
  CHECK(report.body.find("href=\"http") == std::string::npos);
  CHECK(report.body.find("<script src=") == std::string::npos);
  CHECK(report.body.find("<link") == std::string::npos);
  const auto download = test::get(ui.web_port, "/stats/report?download=1");
  CHECK(download.headers.at("content-disposition").starts_with("attachment;filename=Locust_"));
  CHECK(download.headers.at("content-disposition").ends_with(".html"));
  CHECK(download.body.find("\"show_download_link\":false") != std::string::npos);

  const std::string file = target.dir + "/report.html";
  const int code = test::run_command(
      {CICADA_STANDALONE_BINARY, "-f", target.scenario(), "-H", target.url(), "--headless", "-u",
       "2", "-r", "10", "-t", "2", "--html", file, "--only-summary"},
      target.dir + "/html.log", 30s);
  CHECK(code == 1);  // /status/500 failed
  const std::string written = test::read_file(file);
  CHECK(written.find("window.templateArgs = {") != std::string::npos);
  CHECK(written.find("\"/status/500\"") != std::string::npos);
  CHECK(written.find("\"duration\":\"") != std::string::npos);
}

TEST_CASE(
    "--web-auth asks every route for the password, and --tls-cert with --tls-key serve https") {
  Target target;
  SUBCASE("basic auth") {
    UiProcess ui(CICADA_STANDALONE_BINARY,
                 {"-f", target.scenario(), "-H", target.url(), "--web-auth", "admin:s3cret"},
                 target.dir);
    for (const char* route : {"/", "/stats/requests", "/metrics"}) {
      auto denied = test::get(ui.web_port, route);
      CHECK(denied.status == 401);
      CHECK(denied.headers["www-authenticate"] == "Basic realm=\"cicada\"");
    }
    // "admin:s3cret" and a wrong password, base64-encoded.
    const auto allowed = test::fetch(ui.web_port, "GET", "/stats/requests", "",
                                     {{"Authorization", "Basic YWRtaW46czNjcmV0"}});
    CHECK(allowed.status == 200);
    CHECK(test::fetch(ui.web_port, "GET", "/", "", {{"Authorization", "Basic YWRtaW46d3Jvbmc="}})
              .status == 401);
    CHECK(test::fetch(ui.web_port, "POST", "/swarm", "user_count=1&spawn_rate=1").status == 401);
  }
  SUBCASE("https") {
    const std::string cert = target.dir + "/cert.pem";
    const std::string key = target.dir + "/key.pem";
    REQUIRE(
        test::run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                           key, "-out", cert, "-subj", "/CN=127.0.0.1", "-days", "1"},
                          target.dir + "/openssl.log") == 0);
    UiProcess ui(
        CICADA_STANDALONE_BINARY,
        {"-f", target.scenario(), "-H", target.url(), "--tls-cert", cert, "--tls-key", key},
        target.dir);
    CHECK(test::read_file(ui.log).find("Starting web interface at https://") != std::string::npos);
    const std::string reply = target.dir + "/https.txt";
    test::run_command({"sh", "-c",
                       "printf 'GET /stats/requests HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' | "
                       "openssl s_client -quiet -ign_eof -connect 127.0.0.1:" +
                           std::to_string(ui.web_port) + " 2>/dev/null"},
                      reply, 20s);
    const std::string text = test::read_file(reply);
    CHECK(text.find("HTTP/1.0 200 OK") != std::string::npos);
    CHECK(text.find("\"state\"") != std::string::npos);
    CHECK(test::get(ui.web_port, "/stats/requests").status != 200);  // plain http is refused
  }
  SUBCASE("mistakes are named") {
    const auto run = [&](std::vector<std::string> args) {
      args.insert(args.begin(), CICADA_STANDALONE_BINARY);
      return test::run_command(args, target.dir + "/bad.log");
    };
    CHECK(run({"-f", target.scenario(), "--web-auth", "nocolon"}) == 2);
    CHECK(test::read_file(target.dir + "/bad.log").find("--web-auth must be username:password") !=
          std::string::npos);
    CHECK(run({"-f", target.scenario(), "--tls-cert", "x.pem"}) == 2);
    CHECK(run({"-f", target.scenario(), "--tls-cert", "/nonexistent.pem", "--tls-key",
               "/nonexistent.key", "--web-port", "0"}) == 1);
    CHECK(test::read_file(target.dir + "/bad.log").find("--tls-cert /nonexistent.pem") !=
          std::string::npos);
  }
}

TEST_CASE(
    "POST /user sets a class's tasks as Locust's user-class editor does, and refuses mistakes") {
  Target target;
  UiProcess ui(CICADA_STANDALONE_BINARY, {"-f", target.scenario(), "-H", target.url()}, target.dir);
  // The page carries what the editor shows: each class's settings and its tasks.
  const std::string page = test::get(ui.web_port, "/").body;
  CHECK(page.find(R"("available_user_tasks":{"Browser":["GET /","GET /status/500"]})") !=
        std::string::npos);

  const auto saved = test::fetch(ui.web_port, "POST", "/user",
                                 R"({"user_class_name": "Browser", "host": ")" + target.url() +
                                     R"(", "weight": 1, "fixed_count": 0, "tasks": ["GET /"]})");
  CHECK(saved.status == 201);
  CHECK(saved.body == "{}");
  CHECK(test::get(ui.web_port, "/").body.find(R"("tasks":["GET /"])") != std::string::npos);

  REQUIRE(test::fetch(ui.web_port, "POST", "/swarm", "user_count=2&spawn_rate=100").status == 200);
  json stats;
  REQUIRE(wait_until([&] {
    stats = get_json(ui.web_port, "/stats/requests");
    return !stats["stats"].empty() && stats["stats"][0]["num_requests"].get<int>() >= 20;
  }));
  for (const auto& entry : stats["stats"]) CHECK(entry["name"] != "/status/500");
  CHECK(stats["errors"].empty());

  const auto unknown =
      test::fetch(ui.web_port, "POST", "/user", R"({"user_class_name": "Nobody", "weight": 2})");
  CHECK(unknown.status == 400);
  CHECK(json::parse(unknown.body)["message"] == "unknown user class 'Nobody'");
  const auto garbled = test::fetch(ui.web_port, "POST", "/user", "user_class_name=Browser");
  CHECK(garbled.status == 400);
  CHECK(json::parse(garbled.body)["message"].get<std::string>().starts_with(
      "user class settings are not valid JSON"));
  CHECK(test::get(ui.web_port, "/user").status == 405);
  CHECK(ui.process.running());
}

}  // namespace cicada

TEST_CASE("--class-picker: /swarm runs the ticked classes, and keeps them when re-targeting") {
  Target target;
  const std::string scenario = target.dir + "/two_classes.yaml";
  std::ofstream(scenario) << "users:\n  - name: Reader\n    wait_time: {constant: 0.05}\n"
                          << "    tasks:\n      - get: /json\n"
                          << "  - name: Writer\n    wait_time: {constant: 0.05}\n"
                          << "    tasks:\n      - post: /echo\n";
  UiProcess ui(CICADA_STANDALONE_BINARY, {"-f", scenario, "-H", target.url(), "--class-picker"},
               target.dir);
  CHECK(test::get(ui.web_port, "/").body.find(R"("show_userclass_picker":true)") !=
        std::string::npos);

  const auto unknown =
      test::fetch(ui.web_port, "POST", "/swarm", "user_count=2&spawn_rate=100&user_classes=Nobody");
  CHECK(unknown.status == 400);
  CHECK(json::parse(unknown.body)["message"] == "unknown user class 'Nobody'");

  const auto started =
      test::fetch(ui.web_port, "POST", "/swarm", "user_count=2&spawn_rate=100&user_classes=Writer");
  REQUIRE(started.status == 200);
  CHECK(json::parse(started.body)["user_classes"] == json::array({"Writer"}));
  CHECK(wait_until([&] { return get_json(ui.web_port, "/stats/requests")["user_count"] == 2; }));
  // The edit dialog sends no classes: the running test keeps the ticked ones.
  REQUIRE(test::fetch(ui.web_port, "POST", "/swarm", "user_count=4&spawn_rate=100").status == 200);
  json stats;
  CHECK(wait_until([&] {
    stats = get_json(ui.web_port, "/stats/requests");
    return stats["user_count"] == 4 && stats["stats"].size() >= 2;  // an endpoint, Aggregated
  }));
  CHECK(stats["stats"][0]["name"] == "/echo");
  for (const auto& entry : stats["stats"]) CHECK(entry["name"] != "/json");
}

}  // namespace cicada
