#include "cicada/web/web_ui.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cicada/core/log_safe.hpp"
#include "cicada/report/csv_report.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/runner/runner.hpp"
#include "cicada/runner/user_class_settings.hpp"
#include "cicada/web/html_report.hpp"
#include "cicada/web/log_history.hpp"
#include "current_window.hpp"
#include "form.hpp"
#include "loop_bridge.hpp"
#include "page.hpp"
#include "prometheus.hpp"
#include "stats_json.hpp"
#include "swarm_request.hpp"
#include "task_ratio.hpp"
#include "web_server.hpp"

namespace cicada::web {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Locust memoizes /stats/requests for 2 s: the UI polls it every 2 s per tab.
constexpr auto kStatsCacheLifetime = std::chrono::seconds(2);

HttpReply json_reply(std::string body, unsigned status = 200) {
  return {status, "application/json", std::move(body), {}};
}

HttpReply text_reply(std::string body, unsigned status = 200) {
  return {status, "text/plain; charset=utf-8", std::move(body), {}};
}

// A refused request: 400 with Locust's {"success": false, "message": ...}.
HttpReply refusal(const std::string& message) {
  return json_reply(dumped_json(json{{"success", false}, {"message", message}}), 400);
}

// What /swarm changes on the loop: which run-time stop is still wanted.
struct SwarmState {
  std::uint64_t generation = 0;  // a later /swarm or /stop cancels an earlier run-time stop
  std::vector<std::string> picked_classes;  // --class-picker: what the last start ran
};

// Locust's download name: Locust_<YYYY-MM-DD-HHhMM>_<locustfile>[_<host>]_<kind>.csv,
// the time being the local start of the statistics.
std::string download_name(Environment& environment, const std::string& locustfile,
                          const std::string& kind, const std::string& extension = ".csv") {
  const auto start = static_cast<std::time_t>(environment.stats().total().start_time());
  std::tm local{};
  localtime_r(&start, &local);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d-%Hh%M", &local);
  std::string name =
      std::string("Locust_") + when + "_" + std::filesystem::path(locustfile).stem().string();
  if (const auto& host = environment.options().host; host && !host->empty()) {
    std::string cleaned =
        host->substr(host->find("://") == std::string::npos ? 0 : host->find("://") + 3);
    for (char& c : cleaned) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
    }
    name += "_" + cleaned;
  }
  return kind.empty() ? name + extension : name + "_" + kind + extension;
}

HttpReply csv_attachment(std::string body, std::string file_name) {
  HttpReply reply{200, "text/csv", std::move(body), {}};
  reply.headers.emplace_back("Content-Disposition", "attachment;filename=" + file_name);
  return reply;
}

}  // namespace

class WebUi::Impl {
 public:
  Impl(Environment& environment, WebUiOptions options)
      : environment_(environment),
        options_(std::move(options)),
        bridge_(environment.io_context()),
        server_([this](const HttpRequest& request) { return handle(request); },
                options_.base_path) {
    keep_log_history(*spdlog::default_logger());
    if (!options_.auth.empty()) server_.require_basic_auth(options_.auth);
    if (!options_.tls_cert.empty()) server_.use_tls(options_.tls_cert, options_.tls_key);
    current_window_->start();
    port_ = server_.listen(options_.host, options_.port);
    const std::string shown =
        options_.host.empty() || options_.host == "*" ? "0.0.0.0" : options_.host;
    spdlog::info("Starting web interface at {}://{}:{}{}", server_.tls() ? "https" : "http", shown,
                 port_, options_.base_path);
  }

  std::uint16_t port() const { return port_; }

  void stop() {
    bridge_.close();
    server_.stop();
    current_window_->stop();  // on the loop's thread, as stop() must be called
  }

 private:
  // Runs on the server's thread.
  HttpReply handle(const HttpRequest& request) {
    try {
      return dispatch(request);
    } catch (const LoopUnavailable& e) {
      return text_reply(std::string("Error: ") + e.what(), 503);
    }
  }

  HttpReply dispatch(const HttpRequest& request) {
    const std::string& path = request.path;
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (request.method == "OPTIONS") return {204, "text/plain", "", {}};  // CORS preflight
    if (path == "/swarm") {
      if (request.method != "POST") return text_reply("Method Not Allowed", 405);
      stats_cache_.reset();
      return swarm(Form(request.body));
    }
    if (path == "/user") {
      if (request.method != "POST") return text_reply("Method Not Allowed", 405);
      return update_user_class(request.body);
    }
    if (!get) return text_reply("Method Not Allowed", 405);
    if (path == "/" || path == "/index.html") return page(request);
    if (path.starts_with("/assets/")) return asset(path.substr(8));
    if (path == "/stats/requests") return stats_requests();
    if (path == "/stop") {
      stats_cache_.reset();
      return on_loop([this] {
        ++swarm_state_->generation;
        if (environment_.has_runner()) environment_.runner().stop();
        return json_reply(R"({"message": "Test stopped", "success": true})");
      });
    }
    if (path == "/stats/reset") {
      stats_cache_.reset();
      return on_loop([this] {
        environment_.reset_stats();
        if (environment_.has_runner()) environment_.runner().clear_exceptions();
        return text_reply("ok");
      });
    }
    if (path == "/stats/requests/csv") {
      return on_loop([this] {
        return csv_attachment(report::stats_csv(environment_.stats()),
                              download_name(environment_, options_.locustfile, "requests"));
      });
    }
    if (path == "/stats/requests_full_history/csv") return full_history_csv();
    if (path == "/stats/failures/csv") {
      return on_loop([this] {
        return csv_attachment(report::failures_csv(environment_.stats()),
                              download_name(environment_, options_.locustfile, "failures"));
      });
    }
    if (path == "/exceptions") {
      return on_loop([this] { return json_reply(exceptions_json(environment_)); });
    }
    if (path == "/exceptions/csv") {
      return on_loop([this] {
        const auto& exceptions = environment_.has_runner() ? environment_.runner().exceptions()
                                                           : std::vector<UserException>{};
        return csv_attachment(report::exceptions_csv(exceptions),
                              download_name(environment_, options_.locustfile, "exceptions"));
      });
    }
    if (path == "/tasks") {
      return on_loop([this] {
        const auto running = environment_.has_runner() ? environment_.runner().user_classes_count()
                                                       : std::map<std::string, std::int64_t>{};
        std::map<std::string, double> users;
        for (const auto& [name, count] : running) users[name] = static_cast<double>(count);
        return json_reply(task_ratio_json(environment_.user_classes(), users));
      });
    }
    if (path == "/stats/report") return report(Form(request.query));
    if (path == "/logs") return on_loop([this] { return json_reply(logs_json(environment_)); });
    if (path == "/worker-count") {
      return on_loop([this] {
        const std::int64_t count =
            environment_.has_runner() ? environment_.runner().worker_count() : 0;
        return json_reply(dumped_json(json{{"worker_count", count}}));
      });
    }
    if (path == "/metrics") {
      return on_loop([this] {
        return HttpReply{
            200, "text/plain; version=0.0.4; charset=utf-8", prometheus_metrics(environment_), {}};
      });
    }
    return text_reply("Not Found", 404);
  }

  // Locust's POST /user (its swarm form's user-class editor): new settings
  // for one class, passed on to the workers by a master.
  HttpReply update_user_class(const std::string& body) {
    std::vector<ReadUserClassSettings> read;
    try {
      read = read_user_class_settings_json(body);
    } catch (const std::invalid_argument& e) {
      return refusal(e.what());
    }
    if (read.size() != 1) return refusal("POST /user takes one user class settings object");
    for (const auto& key : read.front().ignored_keys)
      spdlog::warn("POST /user: ignoring '{}' (cicada sets host, weight, fixed_count and tasks)",
                   log_safe(key));
    return on_loop([this, settings = read.front().settings] {
      try {
        environment_.update_user_class(settings);
      } catch (const std::invalid_argument& e) {
        return refusal(e.what());
      }
      return json_reply("{}", 201);
    });
  }

  template <typename F>
  HttpReply on_loop(F function) {
    return bridge_.call(std::move(function));
  }

  HttpReply stats_requests() {
    const auto now = Clock::now();
    if (!stats_cache_ || now - stats_cache_->first > kStatsCacheLifetime) {
      stats_cache_.emplace(now, bridge_.call([this] {
        return stats_requests_json(environment_, current_window_.get());
      }));
    }
    return json_reply(stats_cache_->second);
  }

  // Locust's /swarm: starts a test from ready or stopped, re-targets a running one.
  // With a load shape, the shape decides the users (Locust ignores the form's counts).
  HttpReply swarm(const Form& form) {
    if (environment_.shape() != nullptr) return swarm_shape(form);
    auto read = read_swarm_request(form);
    if (auto* message = std::get_if<std::string>(&read)) {
      return on_loop([this, message = *message] {
        const auto& host = environment_.options().host;
        return json_reply(dumped_json(json{{"success", false},
                                           {"message", message},
                                           {"host", host ? json(*host) : json(nullptr)}}),
                          400);
      });
    }
    SwarmRequest request = std::get<SwarmRequest>(std::move(read));
    return on_loop([this, request = std::move(request)] {
      const auto& host = request.host;
      const auto& run_time = request.run_time_seconds;
      if (host && !host->empty()) environment_.options().host = *host;
      if (!environment_.has_runner()) {
        return json_reply(R"({"host": null, "message": "No runner", "success": false})", 500);
      }
      Runner& runner = environment_.runner();
      const auto classes = picked_classes(request, runner);
      try {
        runner.start(request.user_count, request.spawn_rate, classes);
      } catch (const std::invalid_argument& e) {
        return refusal(e.what());
      }
      if (classes) swarm_state_->picked_classes = *classes;
      const std::uint64_t generation = ++swarm_state_->generation;
      json body = {{"success", true}, {"message", "Swarming started"}};
      const auto& current_host = environment_.options().host;
      body["host"] = current_host ? json(*current_host) : json(nullptr);
      if (classes) body["user_classes"] = *classes;
      if (run_time) {
        body["run_time"] = *run_time;
        runner.call_later(std::chrono::seconds(*run_time),
                          [&runner, state = swarm_state_, generation] {
                            if (state->generation != generation) return;
                            spdlog::info("Run time limit reached, stopping the test");
                            runner.stop();
                          });
      }
      return json_reply(dumped_json(body));
    });
  }

  // Which classes a /swarm runs (Locust's class picker): those ticked; with
  // none ticked, a running test keeps what it runs and a new one runs all
  // (nullopt, as without the picker).
  std::optional<std::vector<std::string>> picked_classes(const SwarmRequest& request,
                                                         const Runner& runner) const {
    if (!options_.class_picker) return std::nullopt;
    std::vector<std::string> picked = request.user_classes;
    const bool running =
        runner.state() == RunnerState::kRunning || runner.state() == RunnerState::kSpawning;
    if (picked.empty() && running) picked = swarm_state_->picked_classes;
    // Nothing ticked and nothing running: every class (a master without -f
    // knows its classes from its workers only).
    if (picked.empty()) return std::nullopt;
    std::sort(picked.begin(), picked.end());
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    return picked;
  }

  HttpReply swarm_shape(const Form& form) {
    return on_loop([this, host = form.get("host")] {
      if (host && !host->empty()) environment_.options().host = *host;
      if (!environment_.has_runner()) {
        return json_reply(R"({"host": null, "message": "No runner", "success": false})", 500);
      }
      ++swarm_state_->generation;  // a run time set by an earlier /swarm no longer applies
      environment_.runner().start_shape();
      const auto& current_host = environment_.options().host;
      return json_reply(
          dumped_json({{"success", true},
                       {"message", "Swarming started using shape class"},
                       {"host", current_host ? json(*current_host) : json(nullptr)}}));
    });
  }

  // Locust's /stats/report: ?download=1 makes it an attachment, ?theme=dark|light.
  HttpReply report(const Form& query) {
    const bool download = !query.get("download").value_or("").empty();
    const std::string theme = query.get("theme").value_or("");
    return on_loop([this, download, theme] {
      HttpReply reply{200,
                      "text/html; charset=utf-8",
                      html_report(environment_, {options_.locustfile, !download, theme}),
                      {}};
      if (download) {
        reply.headers.emplace_back(
            "Content-Disposition",
            "attachment;filename=" + download_name(environment_, options_.locustfile, "", ".html"));
      }
      return reply;
    });
  }

  HttpReply full_history_csv() {
    if (!options_.csv_prefix || !options_.csv_full_history) {
      return text_reply("Error: Server was not started with option to generate full history.", 404);
    }
    const std::string file = *options_.csv_prefix + "_stats_history.csv";
    std::ifstream in(file, std::ios::binary);
    if (!in) return text_reply("Error: cannot read " + file, 404);
    std::ostringstream body;
    body << in.rdbuf();
    const std::string name = bridge_.call([this] {
      return download_name(environment_, options_.locustfile, "requests_full_history");
    });
    return csv_attachment(body.str(), name);
  }

  HttpReply page(const HttpRequest&) {
    const std::string arguments = bridge_.call([this] { return template_arguments(); });
    return {200, "text/html; charset=utf-8", render_page(arguments), {}};
  }

  HttpReply asset(const std::string& name) {
    const auto found = find_asset(name);
    if (!found) return text_reply("Not Found", 404);
    return {200, std::string(found->content_type), std::string(found->bytes), {}};
  }

  // The page's window.templateArgs (Locust 2.46's keys, with 2.12.1's is_shape).
  std::string template_arguments() {
    const bool has_runner = environment_.has_runner();
    json classes = json::array();
    json users = json::object();      // Locust's User.json(), per class
    json all_tasks = json::object();  // what the class's tasks can be set to
    for (const auto& user_class : environment_.user_classes()) {
      classes.push_back(user_class.name());
      const auto names = [](const TaskList& list) {
        json result = json::array();
        for (const auto& task : list.tasks) result.push_back(task.name);
        return result;
      };
      users[user_class.name()] = {
          {"host", user_class.host() ? json(*user_class.host()) : json(nullptr)},
          {"weight", user_class.weight()},
          {"fixed_count", user_class.fixed_count()},
          {"tasks", names(user_class.tasks())}};
      all_tasks[user_class.name()] = names(user_class.defined_tasks());
    }
    const auto& host = environment_.options().host;
    json arguments = {
        {"locustfile", std::filesystem::path(options_.locustfile).filename().string()},
        {"state", has_runner ? std::string(to_string(environment_.runner().state())) : "missing"},
        {"is_distributed", has_runner && environment_.runner().distributed()},
        {"user_count", has_runner ? environment_.runner().user_count() : 0},
        {"version", "cicada"},
        {"host", host ? json(*host) : json("")},
        {"num_users", options_.default_users},
        {"spawn_rate", options_.default_spawn_rate},
        {"run_time", options_.default_run_time_seconds ? json(*options_.default_run_time_seconds)
                                                       : json(nullptr)},
        {"worker_count", 0},
        {"stats_history_enabled", options_.csv_full_history},
        {"is_shape", environment_.shape() != nullptr},
        {"shape_name", environment_.shape() ? json(environment_.shape()->name()) : json(nullptr)},
        {"show_userclass_picker", options_.class_picker},
        {"available_user_classes", classes},
        {"available_user_tasks", all_tasks},
        {"users", users},
        {"available_shape_classes", json::array({"Default"})},
        {"percentiles_to_chart", json::array({0.5, 0.95})},
        {"extra_options", json::object()},
        {"is_report", false},
        {"history", history_json(environment_.stats(), std::nullopt, 0)},
    };
    if (has_runner) arguments["worker_count"] = environment_.runner().worker_count();
    return dumped_json(arguments);
  }

  Environment& environment_;
  WebUiOptions options_;
  LoopBridge bridge_;
  std::shared_ptr<SwarmState> swarm_state_ = std::make_shared<SwarmState>();  // loop's
  std::shared_ptr<CurrentWindow> current_window_ =
      std::make_shared<CurrentWindow>(environment_.io_context(), environment_.stats());  // loop's
  std::optional<std::pair<Clock::time_point, std::string>> stats_cache_;                 // server's
  WebServer server_;
  std::uint16_t port_ = 0;
};

WebUi::WebUi(Environment& environment, WebUiOptions options)
    : impl_(std::make_unique<Impl>(environment, std::move(options))) {}

WebUi::~WebUi() {
  stop();
}

std::uint16_t WebUi::port() const {
  return impl_->port();
}

void WebUi::stop() {
  impl_->stop();
}

}  // namespace cicada::web

namespace cicada {

web::WebUi& Environment::create_web_ui(const std::string& host, std::uint16_t port) {
  web::WebUiOptions options;
  options.host = host;
  options.port = port;
  return create_web_ui(options);
}

web::WebUi& Environment::create_web_ui(const web::WebUiOptions& options) {
  if (web_ui_) throw std::logic_error("this Environment already has a web UI");
  web_ui_ = std::make_shared<web::WebUi>(*this, options);
  return *web_ui_;
}
}  // namespace cicada
