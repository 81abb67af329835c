#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cicada/core/asio.hpp"
#include "cicada/core/clock.hpp"
#include "cicada/model/events.hpp"
#include "cicada/model/load_shape.hpp"
#include "cicada/model/user_class.hpp"
#include "cicada/stats/request_stats.hpp"
#include "cicada/stats/thresholds.hpp"

namespace cicada {

class Runner;
namespace web {
class WebUi;
struct WebUiOptions;
}  // namespace web
class LocalRunner;
class MasterRunner;
class WorkerRunner;

/// CURVE encryption and authentication on the master/worker link, with keys
/// in Z85 text (40 characters; `cicada-master --curve-keygen` writes them).
/// Off when secret_key is empty: plaintext, as Locust speaks.
struct CurveKeys {
  std::string secret_key;                    ///< this node's secret key
  std::string master_public_key;             ///< worker: the master's public key
  std::vector<std::string> authorized_keys;  ///< master: the workers' public keys it accepts
  bool enabled() const { return !secret_key.empty(); }
};

/// Settings of a test (Locust's Environment keyword arguments).
struct EnvironmentOptions {
  std::optional<std::string> host;  ///< overrides every class's host (-H)
  std::vector<std::string> tags;    ///< run only tasks with one of these tags
  std::vector<std::string> exclude_tags;
  double stop_timeout_seconds = 0;                ///< grace period for stopping users
  bool reset_stats = false;                       ///< reset statistics when a ramp completes
  std::optional<std::uint64_t> seed;              ///< random seed; random when unset
  bool insecure = false;                          ///< HTTP users skip TLS certificate checks
  std::string ca_file;                            ///< HTTP users trust this CA file (PEM)
  std::optional<double> connect_timeout_seconds;  ///< HTTP users: --connect-timeout
  std::optional<double> network_timeout_seconds;  ///< HTTP users: --network-timeout
  std::optional<std::uint64_t> max_body_bytes;    ///< HTTP users: --max-body-size
  CurveKeys curve;                                ///< master and worker: CURVE on their link
  std::vector<stats::Threshold> thresholds;       ///< pass/fail criteria checked at the end
  /// Values of options test plugins add (CustomOption), by dest name ("product_id").
  std::map<std::string, std::string> custom_options = {};
  /// How often runners sample their CPU and memory (usage_monitor, cpu_warning);
  /// Locust's CPU_MONITOR_INTERVAL.
  double usage_monitor_interval_seconds = 5;
};

/// Everything one test run shares: the user classes, options, events,
/// statistics and the event loop, plus the runner (Locust's Environment).
///
///     cicada::Environment env{{web_user, api_user}};
///     env.create_local_runner();
///     env.runner().start(5000, 20);
///     env.runner().call_later(std::chrono::seconds(30), [&] { env.runner().quit(); });
///     env.runner().join();
///
/// Not thread-safe: use it from the thread that runs the loop (see Runner).
class Environment {
 public:
  /// Classes with weight 0 and no fixed_count are dropped; throws
  /// std::invalid_argument when none is left or two share a name.
  explicit Environment(std::vector<UserClass> user_classes, EnvironmentOptions options = {},
                       const Clock& clock = SystemClock::instance());
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  /// Creates the local runner. Throws std::logic_error if a runner exists.
  LocalRunner& create_local_runner();
  /// Creates a master listening on bind_host:bind_port (port 0: ephemeral).
  /// Defined in cicada::master (link it, or cicada::cicada). Throws
  /// transport::TransportError when the address cannot be bound.
  MasterRunner& create_master_runner(const std::string& bind_host = "*",
                                     std::uint16_t bind_port = 5557);
  /// Creates a worker that connects to master_host:master_port.
  /// Defined in cicada::worker (link it, or cicada::cicada).
  WorkerRunner& create_worker_runner(const std::string& master_host = "127.0.0.1",
                                     std::uint16_t master_port = 5557);
  /// For runner factories: takes ownership of `runner` as this Environment's runner.
  template <typename R>
  R& attach_runner(std::unique_ptr<R> runner) {
    if (runner_) throw std::logic_error("this Environment already has a runner");
    R& attached = *runner;
    runner_ = std::move(runner);
    return attached;
  }
  /// Starts Locust's web UI and HTTP API on host:port ("" = every interface;
  /// port 0: ephemeral) on its own thread. Defined in cicada::web (link it, or
  /// cicada::cicada). Throws std::runtime_error naming the address when it
  /// cannot bind, std::logic_error if a web UI exists.
  web::WebUi& create_web_ui(const std::string& host = "", std::uint16_t port = 8089);
  web::WebUi& create_web_ui(const web::WebUiOptions& options);
  /// The web UI, or nullptr.
  web::WebUi* web_ui() { return web_ui_.get(); }

  /// The runner; throws std::logic_error when none was created.
  Runner& runner();
  bool has_runner() const { return runner_ != nullptr; }

  /// The load shape that drives the test when the runner's start_shape() is
  /// called (Locust's shape_class); nullptr without one.
  void set_shape(std::shared_ptr<LoadTestShape> shape) { shape_ = std::move(shape); }
  LoadTestShape* shape() const { return shape_.get(); }

  Events& events() { return events_; }
  stats::RequestStats& stats() { return stats_; }
  /// Resets every statistic and fires `reset_stats` (Locust's web UI reset).
  void reset_stats();
  const std::vector<UserClass>& user_classes() const { return user_classes_; }
  const UserClass* find_user_class(const std::string& name) const;
  /// Changes a user class's host, weight, fixed_count or tasks (Locust's
  /// update_user_class): running users move to the new tasks before their next
  /// one, new users take the host, weights count from the next test. A master
  /// passes the settings on to its workers. Runs on the loop. Throws
  /// std::invalid_argument naming the problem; nothing changes then.
  void update_user_class(const UserClassSettings& settings);
  EnvironmentOptions& options() { return options_; }
  const EnvironmentOptions& options() const { return options_; }
  asio::io_context& io_context() { return io_; }
  const Clock& clock() const { return clock_; }
  std::uint64_t seed() const { return seed_; }

  /// Set by code (e.g. a `quitting` listener) to force the exit code.
  std::optional<int> process_exit_code;

 private:
  asio::io_context io_{1};  // one thread runs it: Asio skips some locking
  const Clock& clock_;
  std::vector<UserClass> user_classes_;
  EnvironmentOptions options_;
  std::uint64_t seed_;
  Events events_;
  stats::RequestStats stats_;
  std::shared_ptr<LoadTestShape> shape_;
  std::unique_ptr<Runner> runner_;
  // Declared last, so it stops (and stops reading the runner) before the runner goes.
  std::shared_ptr<web::WebUi> web_ui_;
};

}  // namespace cicada
