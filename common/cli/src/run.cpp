#include "cicada/cli/run.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/asio/signal_set.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cicada/cli/curve_setup.hpp"
#include "cicada/cli/test_files.hpp"
#include "cicada/core/spawn.hpp"
#include "cicada/report/console_report.hpp"
#include "cicada/report/csv_file_writer.hpp"
#include "cicada/report/threshold_report.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/runner/local_runner.hpp"
#include "cicada/scenario/scenario.hpp"
#include "cicada/web/health_server.hpp"
#include "cicada/web/html_report.hpp"
#include "cicada/web/log_history.hpp"
#include "cicada/web/web_ui.hpp"
#include "config_users.hpp"
namespace cicada::cli {

bool setup_logging(const Options& options, const char* program) {
  std::shared_ptr<spdlog::logger> logger;
  if (options.logfile) {
    try {
      logger = spdlog::basic_logger_mt(program, *options.logfile);
    } catch (const spdlog::spdlog_ex& e) {
      std::fprintf(stderr, "%s: error: cannot open log file %s: %s\n", program,
                   options.logfile->c_str(), e.what());
      return false;
    }
  } else {
    logger = spdlog::stderr_logger_mt(program);
  }
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  const std::string short_host = std::string(host).substr(0, std::string(host).find('.'));
  web::keep_log_history(*logger);  // the web UI's /logs, formatted like the log itself
  // Locust's format: [time] host/LEVEL/logger: message
  logger->set_pattern("[%Y-%m-%d %H:%M:%S,%e] " + short_host + "/%^%l%$/" + program + ": %v");
  const auto& level = options.loglevel;
  logger->set_level(level == "DEBUG"      ? spdlog::level::debug
                    : level == "WARNING"  ? spdlog::level::warn
                    : level == "ERROR"    ? spdlog::level::err
                    : level == "CRITICAL" ? spdlog::level::critical
                                          : spdlog::level::info);
  spdlog::set_default_logger(logger);
  return true;
}

namespace {

/// Adds one file's part of the test to `test`.
void add_test_file(const std::string& file, TestDefinition& test) {
  const auto ends_with = [&](std::string_view suffix) {
    return file.size() > suffix.size() && file.ends_with(suffix);
  };
  std::vector<UserClass> classes;
  std::shared_ptr<LoadTestShape> shape;
  if (ends_with(".yaml") || ends_with(".yml")) {
    scenario::Scenario loaded = scenario::load_scenario(file);
    classes = std::move(loaded.user_classes);
    shape = std::move(loaded.shape);
    for (auto& threshold : loaded.thresholds) test.thresholds.push_back(std::move(threshold));
  } else if (ends_with(".so")) {
    TestPlugin plugin = load_test_plugin(file);
    classes = std::move(plugin.user_classes());
    shape = std::move(plugin.shape());
    for (auto& hook : plugin.init_hooks()) test.init_hooks.push_back(std::move(hook));
  } else {
    throw std::runtime_error(file +
                             ": -f takes YAML scenarios (.yaml, .yml) and compiled test plugins "
                             "(.so), or a comma-separated list of them");
  }
  for (auto& user_class : classes) {
    const bool taken =
        std::any_of(test.user_classes.begin(), test.user_classes.end(),
                    [&](const UserClass& other) { return other.name() == user_class.name(); });
    if (taken) {
      throw std::runtime_error(file + ": user class " + user_class.name() +
                               " is defined by another file of -f too");
    }
    test.user_classes.push_back(std::move(user_class));
  }
  if (shape) {
    if (test.shape) throw std::runtime_error(file + ": a second load shape (one per test)");
    test.shape = std::move(shape);
  }
}

}  // namespace

TestDefinition load_test(const Options& options) {
  TestDefinition test;
  const auto files = split_test_files(options.locustfile);
  if (files.empty()) throw std::runtime_error("-f names no file");
  for (const auto& file : files) add_test_file(file, test);
  apply_config_users(options.config_users, test.user_classes);
  if (!options.user_classes.empty()) {
    std::vector<UserClass> chosen;
    for (const auto& name : options.user_classes) {
      auto it = std::find_if(test.user_classes.begin(), test.user_classes.end(),
                             [&](const UserClass& c) { return c.name() == name; });
      if (it == test.user_classes.end()) throw UnknownUserClass("Unknown User(s): " + name);
      chosen.push_back(*it);
    }
    test.user_classes = std::move(chosen);
  }
  return test;
}

Prepared prepare_test(const Options& options, const char* program, bool definition_optional) {
  Prepared prepared;
  try {
    const bool no_definition = definition_optional && options.locustfile == Options{}.locustfile &&
                               !std::filesystem::exists(options.locustfile);
    if (!no_definition) prepared.test = load_test(options);
  } catch (const UnknownUserClass& e) {
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
    prepared.exit_code = 1;  // Locust exits 1 here, 2 for other mistakes
    return prepared;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
    prepared.exit_code = 2;
    return prepared;
  }
  if (options.list) {
    std::printf("Available Users:\n");
    for (const auto& user_class : prepared.test.user_classes)
      std::printf("    %s\n", user_class.name().c_str());
    prepared.exit_code = 0;
  }
  return prepared;
}

int exit_code(Environment& environment, const Options& options) {
  if (environment.process_exit_code) return *environment.process_exit_code;
  if (!stats::all_passed(
          stats::check_thresholds(environment.options().thresholds, environment.stats()))) {
    return kThresholdExitCode;
  }
  const bool failures = !environment.stats().errors().empty() ||
                        (environment.has_runner() && !environment.runner().exceptions().empty());
  if (failures) return options.exit_code_on_error;
  // An error in a listener or in a background task: Locust's exit code 2.
  if (environment.events().listener_errors > 0 || background_failures() > 0) return 2;
  return 0;
}

EnvironmentOptions environment_options(const Options& options) {
  EnvironmentOptions environment_options;
  environment_options.host = options.host;
  environment_options.tags = options.tags;
  environment_options.exclude_tags = options.exclude_tags;
  environment_options.stop_timeout_seconds = static_cast<double>(options.stop_timeout_seconds);
  environment_options.reset_stats = options.reset_stats;
  environment_options.seed = options.seed;
  environment_options.insecure = options.insecure;
  environment_options.ca_file = options.ca_file.value_or("");
  environment_options.connect_timeout_seconds = options.connect_timeout_seconds;
  environment_options.network_timeout_seconds = options.network_timeout_seconds;
  environment_options.max_body_bytes = options.max_body_bytes;
  environment_options.custom_options = options.custom_options;
  environment_options.curve = load_curve_keys(options);
  for (const auto& text : options.thresholds)
    environment_options.thresholds.push_back(stats::parse_threshold(text));
  return environment_options;
}

RunOutputs::RunOutputs(Environment& environment, const Options& options)
    : environment_(environment), options_(options) {}

RunOutputs::~RunOutputs() = default;

void RunOutputs::start() {
  if (options_.csv_prefix) {
    csv_ = std::make_unique<report::CsvFileWriter>(environment_, *options_.csv_prefix,
                                                   options_.csv_full_history);
    csv_->start();
  }
  // Locust prints the live table when headless, or with a UI on --print-stats.
  if (!options_.only_summary && (options_.headless || options_.print_stats))
    report::start_stats_printer(environment_);
  environment_.runner().start_stats_history();
}

int RunOutputs::finish() {
  environment_.events().quitting.fire_reverse(environment_);
  const int code = exit_code(environment_, options_);
  spdlog::info("Shutting down (exit code {})", code);
  if (csv_) csv_->write_now();
  if (options_.html_file) {
    std::ofstream html(*options_.html_file, std::ios::binary);
    html << web::html_report(environment_, {options_.locustfile, false, ""});
    if (!html) spdlog::error("Could not write the HTML report to {}", *options_.html_file);
  }
  if (options_.json_file) {
    std::ofstream(*options_.json_file + ".json") << report::stats_json(environment_.stats());
  } else {
    if (options_.json) std::printf("%s\n", report::stats_json(environment_.stats()).c_str());
    report::print_final_summary(environment_.stats());
  }
  report_thresholds();
  environment_.events().quit.fire(code);
  return code;
}

void RunOutputs::report_thresholds() {
  const auto& thresholds = environment_.options().thresholds;
  if (thresholds.empty()) return;
  const auto results = stats::check_thresholds(thresholds, environment_.stats());
  // After the summary tables (stderr, as they are), and in the log for a --logfile run.
  std::fprintf(stderr, "\n");
  for (const auto& line : report::threshold_table(results))
    std::fprintf(stderr, "%s\n", line.c_str());
  for (const auto& result : results) {
    if (!result.passed) {
      spdlog::warn("Threshold {} failed on {}: {}", result.threshold->text, result.row,
                   result.observed_text());
    }
  }
  if (options_.csv_prefix) {
    const std::string path = *options_.csv_prefix + "_thresholds.csv";
    std::ofstream csv(path, std::ios::binary);
    csv << report::thresholds_csv(results);
    if (!csv) spdlog::error("Could not write {}", path);
  }
}

namespace {

// --abort-on-threshold: the first threshold that fails while the test runs ends it.
void watch_thresholds(Runner& runner) {
  runner.every(std::chrono::seconds(1), [&runner] {
    if (runner.state() != RunnerState::kRunning && runner.state() != RunnerState::kSpawning) return;
    auto& environment = runner.environment();
    for (const auto& result :
         stats::check_thresholds(environment.options().thresholds, environment.stats())) {
      if (result.passed) continue;
      spdlog::error("Threshold {} failed on {} ({}): ending the test (--abort-on-threshold)",
                    result.threshold->text, result.row, result.observed_text());
      runner.quit();
      return;
    }
  });
}

}  // namespace

void arm_run_time(Runner& runner, const Options& options) {
  if (!options.run_time_seconds) {
    // A load shape ends the test itself.
    if (runner.environment().shape() == nullptr)
      spdlog::info("No run time limit set, use CTRL+C to interrupt");
    return;
  }
  spdlog::info("Run time limit set to {} seconds", *options.run_time_seconds);
  runner.call_later(std::chrono::seconds(*options.run_time_seconds), [&runner, &options] {
    if (options.headless) {
      spdlog::info("--run-time limit reached, shutting down");
      runner.quit();
      return;
    }
    // --autostart with the UI: the test stops, the UI stays until --autoquit.
    spdlog::info("--run-time limit reached, stopping test");
    runner.stop();
    if (!options.autoquit) {
      spdlog::info("--autoquit not specified, leaving web ui running indefinitely");
      return;
    }
    runner.call_later(std::chrono::seconds(*options.autoquit), [&runner] {
      spdlog::info("--autoquit time reached, shutting down");
      runner.quit();
    });
  });
}

bool start_web_ui(Environment& environment, const Options& options) {
  if (options.headless) return true;
  web::WebUiOptions web;
  web.host = options.web_host;
  web.port = options.web_port;
  web.base_path = options.web_base_path;
  web.locustfile = options.locustfile;
  web.csv_prefix = options.csv_prefix;
  web.csv_full_history = options.csv_full_history;
  web.default_users = options.users.value_or(1);
  web.default_spawn_rate = options.spawn_rate.value_or(1);
  web.default_run_time_seconds = options.run_time_seconds;
  web.auth = options.web_auth;
  web.tls_cert = options.tls_cert;
  web.tls_key = options.tls_key;
  web.class_picker = options.class_picker;
  try {
    environment.create_web_ui(web);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return false;
  }
  return true;
}

std::unique_ptr<web::HealthServer> start_health_server(Environment& environment,
                                                       const Options& options) {
  if (!options.health_port) return nullptr;
  return std::make_unique<web::HealthServer>(environment, "", *options.health_port);
}

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

std::shared_ptr<void> quit_on_signals(Environment& environment, Runner& runner) {
  auto signals =
      std::make_shared<boost::asio::signal_set>(environment.io_context(), SIGINT, SIGTERM);
  signals->async_wait([&runner](const boost::system::error_code& error, int signal_number) {
    if (error) return;
    spdlog::info(signal_number == SIGTERM ? "Got SIGTERM signal" : "Got SIGINT signal, stopping");
    runner.quit();
  });
  // Cancel the wait before the set goes, so no handler outlives the runner.
  return std::shared_ptr<void>(signals.get(), [signals](void*) mutable {
    boost::system::error_code ignored;
    signals->cancel(ignored);
    signals.reset();
  });
}

void adopt_test(Environment& environment, TestDefinition test) {
  environment.set_shape(std::move(test.shape));
  for (auto& hook : test.init_hooks) environment.events().init.add_listener(std::move(hook));
  auto& thresholds = environment.options().thresholds;
  thresholds.insert(thresholds.end(), test.thresholds.begin(), test.thresholds.end());
}

void start_test(Runner& runner, const Options& options) {
  if (runner.environment().shape() != nullptr) {
    if (options.users || options.spawn_rate) {
      spdlog::warn(
          "The test has a load shape, and -u/--users or -r/--spawn-rate was given as well: the "
          "shape decides, those are ignored");
    }
    runner.start_shape(options.headless);
  } else {
    runner.start(options.users.value_or(1), options.spawn_rate.value_or(1));
  }
  arm_run_time(runner, options);
  if (options.abort_on_threshold && !runner.environment().options().thresholds.empty())
    watch_thresholds(runner);
}

int run_standalone(const Options& options, TestDefinition test) {
  Environment environment(std::move(test.user_classes), environment_options(options));
  adopt_test(environment, std::move(test));
  auto& runner = environment.create_local_runner();
  environment.events().init.fire(environment);
  if (!start_web_ui(environment, options)) return 1;
  const auto health = start_health_server(environment, options);
  RunOutputs outputs(environment, options);
  outputs.start();
  auto signals = quit_on_signals(environment, runner);
  if (options.headless || options.autostart) start_test(runner, options);
  runner.join();
  signals.reset();
  if (auto* ui = environment.web_ui()) ui->stop();
  return outputs.finish();
}

}  // namespace cicada::cli
