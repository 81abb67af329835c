#include "cicada/runner/runner.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/redirect_error.hpp>

#include "cicada/core/clock.hpp"
#include "cicada/core/process_usage.hpp"
#include "cicada/core/spawn.hpp"
#include "cicada/runner/environment.hpp"

namespace cicada {
namespace {

constexpr double kCpuWarningPercent = 90;  // Locust's CPU warning threshold

}  // namespace

std::string_view to_string(RunnerState state) {
  switch (state) {
    case RunnerState::kReady:
      return "ready";
    case RunnerState::kSpawning:
      return "spawning";
    case RunnerState::kRunning:
      return "running";
    case RunnerState::kCleanup:
      return "cleanup";
    case RunnerState::kStopping:
      return "stopping";
    case RunnerState::kStopped:
      return "stopped";
    case RunnerState::kMissing:
      return "missing";
  }
  return "unknown";
}

std::string format_class_counts(const std::map<std::string, std::int64_t>& counts) {
  std::string text = "{";
  for (const auto& [name, count] : counts) {
    text += (text.size() > 1 ? ", \"" : "\"") + name + "\": " + std::to_string(count);
  }
  return text + "}";
}

Runner::Runner(Environment& environment)
    : environment_(environment), io_(environment.io_context()), work_(asio::make_work_guard(io_)) {
  last_cpu_seconds_ = detail::process_cpu_seconds();
  last_usage_sample_ = steady_seconds();
  every(std::chrono::duration<double>(environment_.options().usage_monitor_interval_seconds),
        [this] { monitor_usage(); });
}

void Runner::monitor_usage() {
  const double now = steady_seconds();
  const double cpu_seconds = detail::process_cpu_seconds();
  const double cpu_percent = now > last_usage_sample_ ? 100 * (cpu_seconds - last_cpu_seconds_) /
                                                            (now - last_usage_sample_)
                                                      : 0;
  last_cpu_seconds_ = cpu_seconds;
  last_usage_sample_ = now;
  environment_.events().usage_monitor.fire(environment_, cpu_percent,
                                           static_cast<std::int64_t>(detail::process_rss_bytes()));
  if (cpu_percent > kCpuWarningPercent && !cpu_warning_given_) {
    cpu_warning_given_ = true;
    // A saturated generator delays its own requests and timings: say so once, as Locust does.
    spdlog::warn(
        "CPU usage above {:.0f}%! This may constrain your throughput and may even give "
        "inconsistent response time measurements! Run more worker processes (--processes) or "
        "spread them over more machines",
        kCpuWarningPercent);
    environment_.events().cpu_warning.fire(environment_, cpu_percent);
  }
}

Runner::~Runner() = default;

// Environment's factories for the distributed runners are defined next to the
// runners (master/, worker/) so that common/ never includes their headers.

void Runner::join() {
  if (quit_finished_ && !work_) {
    io_.restart();
    io_.poll();  // let the last completions of quit() run
    return;
  }
  io_.restart();
  io_.run();
}

void Runner::set_state(RunnerState state) {
  if (state == state_) return;
  spdlog::debug("Updating state to '{}', old state was '{}'", to_string(state), to_string(state_));
  state_ = state;
}

void Runner::finish_quit() {
  quitting_ = true;
  for (auto& timer : timers_) timer.cancel();
  work_.reset();
  quit_finished_ = true;
  // join() returns now, even if other work (a server the program runs on the
  // same loop) is still pending; whatever is left runs when the runner goes.
  io_.stop();
}

void Runner::record_exception(std::string_view message, std::string_view traceback,
                              const std::string& node) {
  auto it = std::find_if(exceptions_.begin(), exceptions_.end(),
                         [&](const UserException& e) { return e.traceback == traceback; });
  if (it == exceptions_.end()) it = exceptions_.insert(exceptions_.end(), UserException{});
  UserException& row = *it;
  ++row.count;
  row.message = std::string(message);
  row.traceback = std::string(traceback);
  row.nodes.insert(node);
}

awaitable<void> Runner::run_timer(Runner* runner, asio::steady_timer* timer,
                                  std::chrono::duration<double> interval, bool repeat,
                                  std::function<void()> action) {
  do {
    timer->expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval));
    boost::system::error_code error;
    co_await timer->async_wait(asio::redirect_error(use_awaitable, error));
    if (error || runner->quitting_) co_return;
    action();
  } while (repeat);
}

void Runner::call_later(std::chrono::duration<double> delay, std::function<void()> action) {
  if (quitting_) return;
  auto& timer = timers_.emplace_back(io_);
  spawn_logged(io_.get_executor(), run_timer(this, &timer, delay, false, std::move(action)),
               "scheduled action");
}

void Runner::every(std::chrono::duration<double> interval, std::function<void()> action) {
  if (quitting_) return;
  auto& timer = timers_.emplace_back(io_);
  spawn_logged(io_.get_executor(), run_timer(this, &timer, interval, true, std::move(action)),
               "periodic action");
}

void Runner::start_shape(bool quit_at_end) {
  LoadTestShape* shape = environment_.shape();
  if (shape == nullptr) throw std::logic_error("start_shape: the environment has no load shape");
  if (quitting_) return;
  shape->set_runner(this);
  shape->reset_time();
  shape_running_ = true;
  shape_quit_at_end_ = quit_at_end;
  last_shape_tick_.reset();
  spdlog::info("Starting the load shape {}", shape->name());
  if (!shape_polled_) {
    shape_polled_ = true;
    every(std::chrono::seconds(1), [this] { poll_shape(); });
  }
  poll_shape();
}

void Runner::poll_shape() {
  if (!shape_running_ || quitting_) return;
  std::optional<ShapeTick> tick;
  try {
    tick = environment_.shape()->tick();
  } catch (const std::exception& e) {
    // A shape that throws cannot say what comes next: end the test as if it had ended.
    spdlog::error("The load shape's tick() failed: {}", e.what());
    ++environment_.events().listener_errors;
  }
  if (!tick) {
    spdlog::info("Shape test stopping");
    shape_running_ = false;
    last_shape_tick_.reset();
    if (shape_quit_at_end_) {
      quit();
    } else {
      stop();
    }
    return;
  }
  if (last_shape_tick_ == tick) return;
  spdlog::info("Shape test updating to {} users at {:.2f} spawn rate", tick->users,
               tick->spawn_rate);
  last_shape_tick_ = tick;
  try {
    start(tick->users, tick->spawn_rate, tick->user_classes);
  } catch (const std::exception& e) {
    spdlog::error("The load shape asked for {} users at {} per second: {}", tick->users,
                  tick->spawn_rate, e.what());
  }
}

void Runner::start_stats_history() {
  every(std::chrono::seconds(5), [this] {
    if (state_ == RunnerState::kReady || state_ == RunnerState::kStopped) return;
    environment_.stats().sample_history(user_count());
  });
}

void Runner::post(std::function<void()> action) {
  asio::post(io_, std::move(action));
}

}  // namespace cicada
