#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cicada/proto/value.hpp"

#include <map>

namespace cicada {

class Environment;
class User;
namespace http {
class Response;
}

/// Extra facts about a request for `request` listeners (Locust's `context`
/// dict): User::context() merged with the request's own.
using RequestContext = std::map<std::string, std::string>;

/// A list of listeners called in registration order (Locust's EventHook).
/// A listener that throws is logged and counted in `Events::listener_errors`
/// (which makes the exit code 2, as in Locust); the other listeners still run.
/// Fire and register on the runner's thread.
template <typename... Args>
class EventHook {
 public:
  using Listener = std::function<void(Args...)>;
  using ListenerId = std::size_t;

  explicit EventHook(std::string name, std::int64_t* error_counter = nullptr)
      : name_(std::move(name)), error_counter_(error_counter) {}

  ListenerId add_listener(Listener listener) {
    listeners_.emplace_back(next_id_, std::move(listener));
    return next_id_++;
  }
  void remove_listener(ListenerId id) {
    std::erase_if(listeners_, [id](const auto& entry) { return entry.first == id; });
  }
  bool empty() const { return listeners_.empty(); }

  void fire(Args... args) const {
    for (const auto& [id, listener] : listeners_) call(listener, args...);
  }
  /// Calls listeners newest first (Locust fires `quitting` this way).
  void fire_reverse(Args... args) const {
    for (auto it = listeners_.rbegin(); it != listeners_.rend(); ++it) call(it->second, args...);
  }

 private:
  void call(const Listener& listener, Args... args) const;

  std::string name_;
  std::int64_t* error_counter_;
  std::vector<std::pair<ListenerId, Listener>> listeners_;
  ListenerId next_id_ = 0;
};

/// Logs a listener's exception; defined in events.cpp so spdlog stays out of this header.
void report_listener_error(std::string_view hook, std::exception_ptr error);

template <typename... Args>
void EventHook<Args...>::call(const Listener& listener, Args... args) const {
  try {
    listener(args...);
  } catch (...) {
    if (error_counter_ != nullptr) ++*error_counter_;
    report_listener_error(name_, std::current_exception());
  }
}

/// One completed request or sample, of any protocol (Locust's `request` event).
struct RequestEvent {
  std::string_view request_type;  ///< "GET", "POST", or any protocol's verb
  std::string_view name;          ///< the stats row's name
  /// How long it took; empty for "not timed" (Locust's response_time=None).
  std::optional<std::chrono::microseconds> response_time;
  std::int64_t response_length = 0;  ///< bytes
  /// The failure text; nullptr means success. Grouped by (method, name, text).
  const std::string* error = nullptr;
  double start_time = 0;  ///< Unix seconds when the request began
  std::string_view url;
  /// Set for paced work (constant_pacing, constant_throughput): the interval
  /// at which requests were meant to go. Statistics then also keep latency
  /// corrected for coordinated omission (the requests a slow answer held back).
  std::optional<std::chrono::microseconds> expected_interval = std::nullopt;
  /// The HTTP response, for requests of cicada's HTTP client; null otherwise.
  const http::Response* response = nullptr;
  /// User::context() merged with the request's own; null when both are empty.
  const RequestContext* context = nullptr;
};

/// An exception that escaped a task (Locust's `user_error`).
struct UserErrorEvent {
  User& user;
  std::string_view message;    ///< what()
  std::string_view traceback;  ///< where it happened: class, task set and task names
};

/// The events of one Environment. Every hook runs on the runner's thread.
struct Events {
  /// Listeners that threw (any hook): a run with any ends with exit code 2.
  std::int64_t listener_errors = 0;

  EventHook<Environment&> init{"init", &listener_errors};
  EventHook<Environment&> test_start{"test_start", &listener_errors};
  EventHook<Environment&> test_stopping{"test_stopping", &listener_errors};
  EventHook<Environment&> test_stop{"test_stop", &listener_errors};
  /// The ramp reached its target; the argument is the total user count.
  EventHook<std::int64_t> spawning_complete{"spawning_complete", &listener_errors};
  EventHook<const RequestEvent&> request{"request", &listener_errors};
  EventHook<const UserErrorEvent&> user_error{"user_error", &listener_errors};
  /// The process is shutting down; listeners may set Environment::process_exit_code.
  EventHook<Environment&> quitting{"quitting", &listener_errors};
  /// After quitting, with the exit code.
  EventHook<int> quit{"quit", &listener_errors};
  /// The statistics were reset (--reset-stats once spawning completes, the web
  /// UI's reset, Environment::reset_stats()).
  EventHook<> reset_stats{"reset_stats", &listener_errors};
  /// Every few seconds on every runner (Locust's 5 s): this process's CPU use in
  /// percent of one core, and its resident memory in bytes.
  EventHook<Environment&, double, std::int64_t> usage_monitor{"usage_monitor", &listener_errors};
  /// The first time this process's CPU use goes over 90%, after the warning is
  /// logged: a saturated generator's timings are not to be trusted.
  EventHook<Environment&, double> cpu_warning{"cpu_warning", &listener_errors};
  /// Worker: a heartbeat went to the master (this worker's id, Unix time).
  EventHook<std::string_view, double> heartbeat_sent{"heartbeat_sent", &listener_errors};
  /// Master: a worker's heartbeat arrived (its id, Unix time).
  EventHook<std::string_view, double> heartbeat_received{"heartbeat_received", &listener_errors};
  /// Worker: a statistics report is about to go to the master (this worker's
  /// id, the report's extra keys): add keys to send data along, as Locust does.
  EventHook<std::string_view, proto::Value::Map&> report_to_master{"report_to_master",
                                                                   &listener_errors};
  /// Master: a worker's report arrived (its id, the keys its report_to_master
  /// listeners added).
  EventHook<std::string_view, const proto::Value::Map&> worker_report{"worker_report",
                                                                      &listener_errors};
  /// Master: a worker registered (its id).
  EventHook<std::string_view> worker_connect{"worker_connect", &listener_errors};
};

}  // namespace cicada
