#include "prometheus.hpp"

#include <array>
#include <cstdio>
#include <map>

#include "cicada/runner/environment.hpp"
#include "cicada/runner/runner.hpp"

namespace cicada::web {
namespace {

// Bucket bounds in seconds, from 1 ms to 60 s (the client's default timeout).
constexpr std::array<double, 17> kBucketSeconds = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60};

constexpr std::array<RunnerState, 7> kStates = {
    RunnerState::kReady,    RunnerState::kSpawning, RunnerState::kRunning, RunnerState::kCleanup,
    RunnerState::kStopping, RunnerState::kStopped,  RunnerState::kMissing};

// Prometheus wants UTF-8 label values with \, " and newline escaped. Names come
// from users and the network: bytes that are not UTF-8 become '?'.
std::string label_value(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (text[i] == '\\')
        out += "\\\\";
      else if (text[i] == '"')
        out += "\\\"";
      else if (text[i] == '\n')
        out += "\\n";
      else
        out += text[i];
      continue;
    }
    const std::size_t length = byte >= 0xF0 && byte < 0xF5   ? 4
                               : byte >= 0xE0                ? 3
                               : byte >= 0xC2 && byte < 0xE0 ? 2
                                                             : 0;
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k)
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (!valid) {
      out += '?';
      continue;
    }
    out.append(text, i, length);
    i += length - 1;
  }
  return out;
}

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::string prometheus_metrics(Environment& environment) {
  const stats::RequestStats& stats = environment.stats();
  const auto entries = stats.sorted_entries();
  std::map<const stats::StatsEntry*, std::string> labels;
  for (const stats::StatsEntry* entry : entries) {
    labels[entry] = "method=\"" + label_value(entry->method()) + "\",name=\"" +
                    label_value(entry->name()) + "\"";
  }
  std::string out;
  family(out, "cicada_requests_total", "counter",
         "Requests made (successes and failures) per endpoint since the stats were last reset.");
  for (const auto* entry : entries)
    out += "cicada_requests_total{" + labels[entry] + "} " + std::to_string(entry->num_requests()) +
           "\n";
  family(out, "cicada_request_failures_total", "counter", "Failed requests per endpoint.");
  for (const auto* entry : entries)
    out += "cicada_request_failures_total{" + labels[entry] + "} " +
           std::to_string(entry->num_failures()) + "\n";
  family(out, "cicada_response_time_seconds", "histogram",
         "Response times per endpoint, from the precise histogram.");
  for (const auto* entry : entries) {
    const auto& histogram = entry->histogram();
    for (const double bound : kBucketSeconds) {
      const auto bound_us = static_cast<std::uint64_t>(bound * 1e6 + 0.5);
      out += "cicada_response_time_seconds_bucket{" + labels[entry] + ",le=\"" + number(bound) +
             "\"} " + std::to_string(histogram.count_at_or_below(bound_us)) + "\n";
    }
    out += "cicada_response_time_seconds_bucket{" + labels[entry] + ",le=\"+Inf\"} " +
           std::to_string(histogram.total_count()) + "\n";
    out += "cicada_response_time_seconds_sum{" + labels[entry] + "} " +
           number(static_cast<double>(entry->total_response_time_us()) / 1e6) + "\n";
    out += "cicada_response_time_seconds_count{" + labels[entry] + "} " +
           std::to_string(histogram.total_count()) + "\n";
  }
  const stats::StatsEntry& total = stats.total();
  family(out, "cicada_current_requests_per_second", "gauge",
         "Requests per second over the last seconds, per endpoint.");
  for (const auto* entry : entries)
    out += "cicada_current_requests_per_second{" + labels[entry] + "} " +
           number(entry->current_rps(total)) + "\n";
  family(out, "cicada_current_failures_per_second", "gauge",
         "Failures per second over the last seconds, per endpoint.");
  for (const auto* entry : entries)
    out += "cicada_current_failures_per_second{" + labels[entry] + "} " +
           number(entry->current_fail_per_sec(total)) + "\n";

  if (!stats.iterations().empty()) {
    family(out, "cicada_iterations_total", "counter",
           "Open-model (arrival-rate) iterations per user class: started, or dropped because "
           "every user the class may have was busy.");
    for (const auto& [class_name, count] : stats.iterations()) {
      const std::string label = "class=\"" + label_value(class_name) + "\"";
      out += "cicada_iterations_total{" + label + ",outcome=\"started\"} " +
             std::to_string(count.started) + "\n";
      out += "cicada_iterations_total{" + label + ",outcome=\"dropped\"} " +
             std::to_string(count.dropped) + "\n";
    }
  }

  const bool running = environment.has_runner();
  Runner* runner = running ? &environment.runner() : nullptr;
  family(out, "cicada_users", "gauge", "Users running now.");
  out += "cicada_users " + std::to_string(runner ? runner->user_count() : 0) + "\n";
  family(out, "cicada_target_users", "gauge", "Users the runner is ramping to.");
  out += "cicada_target_users " + std::to_string(runner ? runner->target_user_count() : 0) + "\n";
  family(out, "cicada_runner_state", "gauge",
         "1 for the runner's current state, 0 for the others.");
  const RunnerState state = runner ? runner->state() : RunnerState::kMissing;
  for (const RunnerState each : kStates) {
    out += "cicada_runner_state{state=\"" + std::string(to_string(each)) + "\"} " +
           (each == state ? "1" : "0") + "\n";
  }
  if (runner && runner->distributed()) {
    std::map<std::string, std::int64_t> by_state = {
        {"ready", 0}, {"spawning", 0}, {"running", 0}, {"missing", 0}};
    for (const WorkerSummary& worker : runner->worker_summaries()) ++by_state[worker.state];
    family(out, "cicada_workers", "gauge", "Workers by state.");
    for (const auto& [name, count] : by_state)
      out += "cicada_workers{state=\"" + label_value(name) + "\"} " + std::to_string(count) + "\n";
  }
  return out;
}

}  // namespace cicada::web
