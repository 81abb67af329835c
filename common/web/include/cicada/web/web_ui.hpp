#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace cicada {
class Environment;
}

namespace cicada::web {

/// Where and how the web UI serves (Locust's --web-* flags).
struct WebUiOptions {
  std::string host;  ///< "" or "*": every interface
  std::uint16_t port = 8089;
  std::string base_path;                  ///< "" or "/prefix" before every route
  std::string locustfile;                 ///< shown in the UI and used in download names
  std::optional<std::string> csv_prefix;  ///< --csv, for the full-history download
  bool csv_full_history = false;
  std::int64_t default_users = 1;  ///< the start form's defaults (-u, -r, -t)
  double default_spawn_rate = 1;
  std::optional<std::int64_t> default_run_time_seconds;
  std::string auth;      ///< "user:password": basic auth on every route (--web-auth)
  std::string tls_cert;  ///< PEM files: serve https (--tls-cert, --tls-key)
  std::string tls_key;
  /// --class-picker: the start form lists the user classes to tick and edit
  /// (their settings go to POST /user), and /swarm runs the ticked ones.
  bool class_picker = false;
};

/// Locust's web UI and HTTP API for one Environment (Locust's WebUI):
/// the page, /swarm, /stop, /stats/*, CSV downloads, /exceptions, /tasks,
/// /logs, /worker-count and /metrics.
///
/// Isolation from the load: the server runs on its own thread and io_context.
/// Only the bodies that read test state (statistics, runner) are built on the
/// load loop, as one posted function per request, and /stats/requests is
/// built at most once per 2 s however many browsers poll it.
class WebUi {
 public:
  /// Binds and starts serving; throws std::runtime_error naming the address
  /// when it cannot bind. Create it from the loop's thread.
  WebUi(Environment& environment, WebUiOptions options);
  ~WebUi();
  WebUi(const WebUi&) = delete;
  WebUi& operator=(const WebUi&) = delete;

  /// The bound port (useful with port 0).
  std::uint16_t port() const;
  /// Stops serving and joins the server's thread. Idempotent; the destructor
  /// calls it. Call it (and destroy the UI) on the loop's thread.
  void stop();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cicada::web
