#include "cicada/cli/options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "cicada/core/timespan.hpp"
#include "cicada/core/version.hpp"
#include "cicada/stats/thresholds.hpp"
#include "config_file.hpp"
#include "config_users.hpp"
#include "option_sources.hpp"

namespace cicada::cli {
namespace {

constexpr const char* kVersion = CICADA_VERSION;

const char* program_name(Program program) {
  switch (program) {
    case Program::kMaster:
      return "cicada-master";
    case Program::kWorker:
      return "cicada-worker";
    case Program::kStandalone:
      break;
  }
  return "cicada";
}

/// An environment variable name for a flag: CICADA_<NAME>, with LOCUST_<name>
/// (Locust's own spelling, some irregular) copied over when only it is set.
std::string env_name(const std::string& cicada_name, const std::string& locust_name) {
  const std::string variable = "CICADA_" + cicada_name;
  if (std::getenv(variable.c_str()) == nullptr) {
    if (const char* value = std::getenv(("LOCUST_" + locust_name).c_str()))
      setenv(variable.c_str(), value, 0);
  }
  return variable;
}

std::string env_name(const std::string& name) {
  return env_name(name, name);
}

// Validators whose messages say what was expected, in one short line.
const CLI::Validator kWholeNumber(
    [](std::string& text) -> std::string {
      char* end = nullptr;
      const long long value = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || value < 0)
        return "'" + text + "' is not a whole number >= 0";
      return "";
    },
    "INT>=0");
const CLI::Validator kPositiveNumber(
    [](std::string& text) -> std::string {
      char* end = nullptr;
      const double value = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !(value > 0)) return "'" + text + "' is not a number > 0";
      return "";
    },
    "NUMBER>0");

/// An option taking Locust's time span ("90", "1h30m"), stored as whole seconds.
CLI::Option* add_timespan_option(CLI::App& app, const std::string& flags,
                                 const std::string& long_name,
                                 std::function<void(std::int64_t)> store, const std::string& help) {
  return app.add_option_function<std::string>(
      flags,
      [long_name, store = std::move(store)](const std::string& text) {
        const auto seconds = parse_timespan(text);
        if (!seconds) throw CLI::ValidationError(long_name, std::string(kTimespanHelp));
        store(*seconds);
      },
      help);
}

/// Declares the options of `program` on `app`, stored into `options`; an
/// error message when a test plugin's option cannot be added.
std::string define_options(CLI::App& app, Options& options, Program program,
                           const std::vector<CustomOption>& custom) {
  const bool master = program == Program::kMaster;
  const bool worker = program == Program::kWorker;
  app.option_defaults()->always_capture_default();
  app.get_formatter()->column_width(40);
  app.footer(
      "Every option can also be set by a CICADA_<NAME> environment variable (LOCUST_<NAME> is "
      "accepted too) or by a line 'name = value' in a config file: ~/.locust.conf, "
      "./locust.conf, ./pyproject.toml ([tool.locust]), ./cicada.conf and --config, read in "
      "that order. The command line wins over the environment, which wins over the files.");
  app.set_version_flag("-V,--version", std::string(program_name(program)) + " " + kVersion +
                                           " (speaks Locust 2.x's protocol)");
  app.add_option("--config", options.config_file,
                 "Config file, read after the default ones (Locust's 'key = value' lines)");

  app.add_option(
         "-f,--locustfile", options.locustfile,
         "Test files: YAML scenarios (.yaml) and compiled test plugins (.so), comma-separated")
      ->envname(env_name("LOCUSTFILE"));
  app.add_option("-H,--host", options.host,
                 "Base URL, e.g. http://127.0.0.1:8080; overrides the scenario's")
      ->envname(env_name("HOST"));
  app.add_flag("--insecure", options.insecure,
               "Do not verify TLS certificates (self-signed targets)")
      ->envname(env_name("INSECURE"));
  app.add_option("--ca-file", options.ca_file, "PEM file of CA certificates to trust for https")
      ->envname(env_name("CA_FILE"));
  app.add_option("--connect-timeout", options.connect_timeout_seconds,
                 "HTTP users give up connecting after this many seconds (default 60)")
      ->envname(env_name("CONNECT_TIMEOUT"))
      ->check(kPositiveNumber);
  app.add_option("--network-timeout", options.network_timeout_seconds,
                 "HTTP users give up on a response after this many seconds without progress "
                 "(default 60)")
      ->envname(env_name("NETWORK_TIMEOUT"))
      ->check(kPositiveNumber);
  app.add_option("--max-body-size", options.max_body_bytes,
                 "HTTP responses with a larger body (bytes) fail (default 67108864)")
      ->envname(env_name("MAX_BODY_SIZE"))
      ->check(kPositiveNumber);
  app.add_option("--seed", options.seed, "Random seed for reproducible runs")
      ->envname(env_name("SEED"));
  app.add_option("--loglevel,-L", options.loglevel, "DEBUG, INFO, WARNING, ERROR or CRITICAL")
      ->envname(env_name("LOGLEVEL"))
      ->transform([](std::string level) {
        for (auto& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return level;
      })
      ->check(CLI::IsMember({"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}));
  app.add_option("--logfile", options.logfile, "Write logs to this file instead of stderr")
      ->envname(env_name("LOGFILE"));
  app.add_option("--health-port", options.health_port,
                 "Serve /healthz and /readyz on this port for container probes")
      ->envname(env_name("HEALTH_PORT"));

  // A Locust worker accepts -u, -r and -t and leaves them to its master; so does cicada's.
  const std::string master_decides = worker ? " (a worker takes the master's)" : "";
  app.add_option("-u,--users", options.users, "Peak number of concurrent users" + master_decides)
      ->envname(env_name("USERS"))
      ->check(kWholeNumber);
  app.add_option("-r,--spawn-rate", options.spawn_rate, "Users started per second" + master_decides)
      ->envname(env_name("SPAWN_RATE"))
      ->check(kPositiveNumber);
  add_timespan_option(
      app, "-t,--run-time", "--run-time",
      [&options](std::int64_t seconds) { options.run_time_seconds = seconds; },
      "Stop after this long, e.g. 300s, 20m, 3h, 1h30m" + master_decides)
      ->envname(env_name("RUN_TIME"));
  app.add_option("-T,--tags", options.tags, "Only run tasks with any of these tags")
      ->envname(env_name("TAGS"))
      ->expected(0, -1);
  app.add_option("-E,--exclude-tags", options.exclude_tags, "Skip tasks with any of these tags")
      ->envname(env_name("EXCLUDE_TAGS"))
      ->expected(0, -1);
  app.add_option("user_classes", options.user_classes, "Only run these user classes");
  app.add_option("--config-users", options.config_users,
                 "User class settings as JSON, or a .json file: {\"user_class_name\": \"X\", "
                 "\"weight\": 2, \"fixed_count\": 1, \"host\": \"...\", \"tasks\": [...]}; "
                 "an array, or several, for more classes")
      ->envname(env_name("CONFIG_USERS"))
      ->expected(0, -1)
      ->check([](const std::string& argument) -> std::string {
        try {
          read_config_users(argument);
          return "";
        } catch (const std::invalid_argument& e) {
          return e.what();
        }
      });
  app.add_flag("--enable-rebalancing", options.enable_rebalancing,
               "Accepted as Locust's: cicada always rebalances users when workers join or leave")
      ->envname(env_name("ENABLE_REBALANCING"));

  if (!worker) {
    app.add_option("--threshold", options.thresholds,
                   "Pass/fail criterion, checked at the end (exit code 3 when one fails): "
                   "p95<250ms, p99.9<1s, avg<100ms, fail_ratio<0.01, rps>500, "
                   "name=/item:p95<250ms for one name; repeat for more")
        ->envname(env_name("THRESHOLD"))
        ->check([](const std::string& text) -> std::string {
          try {
            stats::parse_threshold(text);
            return "";
          } catch (const std::invalid_argument& e) {
            return e.what();
          }
        });
    app.add_flag("--abort-on-threshold", options.abort_on_threshold,
                 "Also check the thresholds every second, and end the test when one fails")
        ->envname(env_name("ABORT_ON_THRESHOLD"));
    app.add_flag("--headless", options.headless, "Run without the web UI, start at once")
        ->envname(env_name("HEADLESS"));
    app.add_option("--web-host", options.web_host,
                   "Interface the web UI binds (default: every interface)")
        ->envname(env_name("WEB_HOST"));
    app.add_option("-P,--web-port", options.web_port, "Port of the web UI (default 8089)")
        ->envname(env_name("WEB_PORT"));
    app.add_option("--web-base-path", options.web_base_path,
                   "URL prefix of every web UI route, e.g. /cicada")
        ->envname(env_name("WEB_BASE_PATH"));
    app.add_option("--web-auth", options.web_auth,
                   "Basic auth for the web UI, as username:password")
        ->envname(env_name("WEB_AUTH"));
    app.add_option("--tls-cert", options.tls_cert,
                   "PEM certificate (chain) file: the web UI serves https")
        ->envname(env_name("TLS_CERT"));
    app.add_option("--tls-key", options.tls_key, "PEM private key file of --tls-cert")
        ->envname(env_name("TLS_KEY"));
    app.add_flag("--autostart", options.autostart, "Start the test at once, keep the web UI")
        ->envname(env_name("AUTOSTART"));
    app.add_flag("--class-picker", options.class_picker,
                 "The web UI's start form lists the user classes to run, each with its "
                 "settings (tasks, host, weight, fixed_count) to edit")
        ->envname(env_name("CLASS_PICKER", "USERCLASS_PICKER"));
    app.add_option("--autoquit", options.autoquit,
                   "With --autostart: quit N seconds after the run time ends (-1: never)")
        ->envname(env_name("AUTOQUIT"));
    app.add_flag("-l,--list", options.list, "Print the user classes and exit");
    app.add_option("--csv", options.csv_prefix,
                   "Write PREFIX_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv")
        ->envname(env_name("CSV"));
    app.add_flag("--csv-full-history", options.csv_full_history,
                 "History rows for every entry, not only Aggregated")
        ->envname(env_name("CSV_FULL_HISTORY"));
    app.add_option("--html", options.html_file, "Write an HTML report to FILE at the end")
        ->envname(env_name("HTML"));
    app.add_flag("--print-stats", options.print_stats,
                 "Print the stats table while running (also with a UI)")
        ->envname(env_name("PRINT_STATS"));
    app.add_flag("--only-summary", options.only_summary, "Only print the summary at the end")
        ->envname(env_name("ONLY_SUMMARY"));
    app.add_flag("--reset-stats", options.reset_stats, "Reset statistics once spawning completes")
        ->envname(env_name("RESET_STATS"));
    app.add_flag("--json", options.json, "Print the final statistics as JSON on stdout");
    app.add_option("--json-file", options.json_file,
                   "Write the final statistics as JSON to FILE.json");
    add_timespan_option(
        app, "-s,--stop-timeout", "--stop-timeout",
        [&options](std::int64_t seconds) { options.stop_timeout_seconds = seconds; },
        "Let running tasks finish for this long when users stop")
        ->envname(env_name("STOP_TIMEOUT"));
    app.add_option("--exit-code-on-error", options.exit_code_on_error,
                   "Exit code when there were failures")
        ->envname(env_name("EXIT_CODE_ON_ERROR"));
  }
  if (master) {
    app.add_option("--master-bind-host", options.master_bind_host,
                   "Interface the master listens on")
        ->envname(env_name("MASTER_BIND_HOST"));
    app.add_option("--master-bind-port", options.master_bind_port, "Port the master listens on")
        ->envname(env_name("MASTER_BIND_PORT"));
    app.add_option("--expect-workers", options.expect_workers,
                   "With --headless: wait for this many workers")
        ->envname(env_name("EXPECT_WORKERS"))
        ->check(kPositiveNumber);
    app.add_option("--expect-workers-max-wait", options.expect_workers_max_wait,
                   "Give up waiting for workers after N s (0: never)")
        ->envname(env_name("EXPECT_WORKERS_MAX_WAIT"));
  }
  if (master || worker) {
    app.add_option("--curve-keygen", options.curve_keygen,
                   "Write a new CURVE key pair to PREFIX.key (secret) and PREFIX.pub, then exit");
    app.add_option("--curve-secret-key", options.curve_secret_key_file,
                   "Encrypt and authenticate the master/worker link with this node's key "
                   "(PREFIX.key from --curve-keygen)")
        ->envname(env_name("CURVE_SECRET_KEY"));
  }
  if (master) {
    app.add_option("--curve-authorized-keys", options.curve_authorized_keys,
                   "With --curve-secret-key: the workers' public keys to accept (a directory of "
                   ".pub files, or one file of them)")
        ->envname(env_name("CURVE_AUTHORIZED_KEYS"));
  }
  if (worker) {
    app.add_option("--curve-master-key", options.curve_master_key_file,
                   "With --curve-secret-key: the master's public key (its PREFIX.pub)")
        ->envname(env_name("CURVE_MASTER_KEY"));
  }
  app.add_option("--processes", options.processes,
                 worker ? "Start N worker processes (-1: one per core)"
                        : "Run N local worker processes under a master (-1: one per core)")
      ->envname(env_name("PROCESSES"));
  if (worker) {
    app.add_option("--master-host", options.master_host, "Master to connect to")
        ->envname(env_name("MASTER_HOST", "MASTER_NODE_HOST"));
    app.add_option("--master-port", options.master_port, "Master port")
        ->envname(env_name("MASTER_PORT", "MASTER_NODE_PORT"));
  }

  for (const auto& option : custom) {
    std::string env = option.dest();
    for (char& c : env) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::string& value = options.custom_options[option.dest()];
    value = option.default_value;
    try {
      app.add_option("--" + option.name, value, option.help + " (from a test plugin)")
          ->envname(env_name(env));
    } catch (const CLI::Error& e) {
      return "a test plugin's option --" + option.name + " cannot be added: " + e.what();
    }
  }
  return "";
}

/// Parses `args` (without the program name) into the options `app` declares.
void parse_arguments(CLI::App& app, std::vector<std::string> args) {
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  app.parse(args);
}

}  // namespace

ParseResult parse_options(int argc, const char* const* argv, Program program,
                          const std::vector<CustomOption>& custom) {
  ParseResult result;
  const auto usage_error = [&](const std::string& message, int code) {
    result.exit_code = code;
    result.err = std::string(program_name(program)) + ": error: " + message + "\n";
    return result;
  };
  const std::string description =
      "cicada: distributed load testing with Locust's model and protocol";
  std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);

  // First the command line and the environment alone: what they leave unset,
  // the config files may set; then everything together.
  Options scratch;
  CLI::App first{description, program_name(program)};
  std::vector<std::string> from_files;
  try {
    if (auto error = define_options(first, scratch, program, custom); !error.empty())
      return usage_error(error, 2);
    args = expand_option_prefixes(first, std::move(args));
    parse_arguments(first, args);
    std::vector<ConfigSetting> settings;
    for (const auto& file : config_files(config_option(args))) {
      auto more = read_config_file(file);
      settings.insert(settings.end(), more.begin(), more.end());
    }
    from_files = config_arguments(first, settings);
  } catch (const CLI::CallForHelp&) {
    result.out = first.help();
    return result;
  } catch (const CLI::CallForVersion&) {
    result.out = first.version() + "\n";
    return result;
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what(), 2);
  } catch (const ConfigError& e) {
    return usage_error(e.what(), 2);
  }

  Options options;
  CLI::App app{description, program_name(program)};
  define_options(app, options, program, custom);
  from_files.insert(from_files.end(), args.begin(), args.end());
  try {
    parse_arguments(app, std::move(from_files));
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what(), 2);
  }

  const bool master = program == Program::kMaster;
  const bool worker = program == Program::kWorker;
  if (!options.web_auth.empty() && options.web_auth.find(':') == std::string::npos) {
    return usage_error("--web-auth must be username:password", 2);
  }
  if (options.tls_cert.empty() != options.tls_key.empty())
    return usage_error("--tls-cert and --tls-key go together: give both", 2);
  if (!options.web_base_path.empty() && options.web_base_path.front() != '/') {
    // Locust logs this and exits 1.
    return usage_error("--web-base-path must start with '/', got '" + options.web_base_path + "'",
                       1);
  }
  while (options.web_base_path.size() > 1 && options.web_base_path.back() == '/')
    options.web_base_path.pop_back();
  if (options.web_base_path == "/") options.web_base_path.clear();
  if (options.autoquit && *options.autoquit != -1 && !options.autostart) {
    return usage_error("--autoquit is only meaningful in combination with --autostart", 1);
  }
  if (options.autoquit && *options.autoquit == -1) options.autoquit.reset();
  if (master && options.curve_secret_key_file.empty() != options.curve_authorized_keys.empty()) {
    return usage_error(
        "--curve-secret-key and --curve-authorized-keys go together: a master with CURVE "
        "accepts only the workers whose keys it is given",
        2);
  }
  if (worker && options.curve_secret_key_file.empty() != options.curve_master_key_file.empty()) {
    return usage_error("--curve-secret-key and --curve-master-key go together: give both", 2);
  }
  if (options.processes && (*options.processes < -1 || *options.processes == 0)) {
    // Locust logs this and exits 1.
    return usage_error("--processes must be a number of processes, or -1 for one per core", 1);
  }
  if (options.csv_full_history && !options.csv_prefix) {
    result.exit_code = 2;
    result.err =
        std::string(program_name(program)) + ": error: '--csv-full-history' requires '--csv'.\n";
    return result;
  }
  result.options = std::move(options);
  return result;
}

}  // namespace cicada::cli
