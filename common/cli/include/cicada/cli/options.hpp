#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cicada/runner/test_plugin.hpp"

namespace cicada::cli {

/// Which executable is parsing: each accepts the Locust flags that apply to it.
enum class Program { kStandalone, kMaster, kWorker };

/// Everything the command line, a config file and the environment can set,
/// under Locust's names (shared/reference/locust-user-interface.md §1).
struct Options {
  std::string locustfile = "locustfile.yaml";    ///< -f: a YAML scenario
  std::optional<std::string> host;               ///< -H
  std::optional<std::int64_t> users;             ///< -u
  std::optional<double> spawn_rate;              ///< -r
  std::optional<std::int64_t> run_time_seconds;  ///< -t
  bool headless = false;
  // Web UI (not on workers): without --headless it is the default.
  std::string web_host;  ///< "" or "*": every interface
  std::uint16_t web_port = 8089;
  std::string web_base_path;
  std::string web_auth;                  ///< "user:password" for the web UI (basic auth)
  std::string tls_cert;                  ///< PEM certificate chain: the web UI serves https
  std::string tls_key;                   ///< its PEM private key
  bool autostart = false;                ///< start at once, keep the UI
  bool class_picker = false;             ///< the start form picks and edits user classes
  std::optional<std::int64_t> autoquit;  ///< with --autostart: quit N s after the run time
  bool list = false;                     ///< -l: print the user classes
  std::vector<std::string> tags;
  std::vector<std::string> exclude_tags;
  std::optional<std::string> csv_prefix;
  bool csv_full_history = false;
  std::optional<std::string> html_file;  ///< --html: the HTML report, written at exit
  bool print_stats = false;
  bool only_summary = false;
  bool reset_stats = false;
  bool json = false;
  std::optional<std::string> json_file;
  std::string loglevel = "INFO";
  std::optional<std::string> logfile;
  std::int64_t stop_timeout_seconds = 0;
  int exit_code_on_error = 1;
  bool insecure = false;
  std::optional<std::string> ca_file;
  std::optional<double> connect_timeout_seconds;  ///< HTTP: give up connecting after this
  std::optional<double> network_timeout_seconds;  ///< HTTP: give up on a read or write after this
  std::optional<std::uint64_t> max_body_bytes;    ///< HTTP: a larger response body fails
  std::optional<std::uint64_t> seed;
  bool enable_rebalancing = false;        ///< Locust's flag; cicada always rebalances
  std::vector<std::string> thresholds;    ///< --threshold: pass/fail criteria ("p95<250ms")
  bool abort_on_threshold = false;        ///< check them every second and stop at the first failure
  std::vector<std::string> user_classes;  ///< positional: only these classes
  /// --config-users: user-class settings, each JSON text or a .json file's path.
  std::vector<std::string> config_users;
  // Distributed mode.
  std::string master_bind_host = "*";
  std::uint16_t master_bind_port = 5557;
  std::int64_t expect_workers = 1;
  std::int64_t expect_workers_max_wait = 0;
  std::string master_host = "127.0.0.1";
  std::uint16_t master_port = 5557;
  std::optional<std::int64_t> processes;
  /// --health-port: serve /healthz and /readyz for container probes (every interface).
  std::optional<std::uint16_t> health_port;
  // CURVE on the master/worker link, from files that --curve-keygen writes.
  std::string curve_secret_key_file;        ///< this node's key pair (PREFIX.key)
  std::string curve_master_key_file;        ///< worker: the master's public key (PREFIX.pub)
  std::string curve_authorized_keys;        ///< master: the workers' keys (file or directory)
  std::optional<std::string> curve_keygen;  ///< write PREFIX.key and PREFIX.pub, then exit
  /// Options test plugins add, by dest name ("product_id" for --product-id).
  std::map<std::string, std::string> custom_options;
  std::optional<std::string> config_file;  ///< --config: read after the default files
};

/// The result of parsing: options to run with, or an exit code and the text
/// to print (--help and --version exit 0; a bad flag or value exits 2 with one
/// line on stderr, as Locust's argparse does).
struct ParseResult {
  std::optional<Options> options;
  int exit_code = 0;
  std::string out;  ///< for stdout (help, version)
  std::string err;  ///< for stderr (the error line)
};

/// Parses argv, CICADA_* environment variables (LOCUST_* accepted too) and
/// config files in Locust's dialect and order (~/.locust.conf, ./locust.conf,
/// ./pyproject.toml's [tool.locust], ./cicada.conf, then --config; a later
/// file wins). The command line wins over the environment, which wins over the
/// files; an unknown key in a file is an error. Long options may be
/// abbreviated to an unambiguous prefix, as argparse allows.
/// `custom` are options test plugins add (see plugin_options in test_files.hpp).
ParseResult parse_options(int argc, const char* const* argv, Program program,
                          const std::vector<CustomOption>& custom = {});

}  // namespace cicada::cli
