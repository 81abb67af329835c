// worker_sim: many simulated Locust workers in one process, to load a master
// (cicada's or Locust's) the way a large cluster would, without running users.
//
// Each simulated worker is one ZeroMQ DEALER speaking Locust's protocol: it
// registers (client_ready), answers spawn with spawning + spawning_complete,
// sends a heartbeat every --heartbeat seconds and a stats report of
// --endpoints entries every --report seconds, and on quit sends a last report
// and quit. Workers are staggered over the intervals, as real ones are.
//
// At the end it prints one line of totals that bench/master_scale.sh reads:
//   workers=N registered=N requests_sent=R reports=K heartbeats=H quits=Q
//
//   worker_sim --master tcp://127.0.0.1:5557 --workers 5000 [--endpoints 20]
//              [--report 3] [--heartbeat 1] [--version 2.12.1] [--max-seconds 120]
#include <sys/resource.h>

#include <zmq.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "cicada/proto/envelope.hpp"
#include "cicada/proto/messages.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace proto = cicada::proto;

struct Config {
  std::string master = "tcp://127.0.0.1:5557";
  int workers = 100;
  int endpoints = 20;
  double report_seconds = 3;
  double heartbeat_seconds = 1;
  std::string version = "2.12.1";
  double max_seconds = 120;
};

struct SimWorker {
  std::string id;
  zmq::socket_t socket;
  bool registered = false;
  bool quit = false;
  std::int64_t users = 0;
  proto::UserClassCounts classes;
  Clock::time_point next_heartbeat;
  Clock::time_point last_heartbeat_sent{};
  Clock::time_point next_report;
  std::uint64_t seed = 0;
};

struct Totals {
  std::int64_t registered = 0;
  std::int64_t requests_sent = 0;
  std::int64_t reports = 0;
  std::int64_t heartbeats = 0;
  std::int64_t quits = 0;
  // The simulator's own lateness: a master may call a worker missing only if
  // the simulator really left it silent that long.
  double longest_heartbeat_gap = 0;  ///< seconds between two heartbeats of one worker
  std::int64_t gaps_over_3s = 0;     ///< heartbeats sent 3 s or more after the previous one
};

volatile std::sig_atomic_t stop_requested = 0;

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::uint64_t next_random(std::uint64_t& state) {  // splitmix64: deterministic per worker
  state += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void send(SimWorker& worker, const proto::Envelope& envelope) {
  const std::string bytes = proto::encode_envelope(envelope);
  // A DEALER queues up to its high-water mark; beyond it the message is dropped
  // and counted, which would show as a mismatch in the totals.
  (void)worker.socket.send(zmq::buffer(bytes), zmq::send_flags::dontwait);
}

// A report as a Locust worker with `endpoints` request names would send: every
// entry with a few response-time buckets and three per-second counters.
// A worker without users reports nothing but its (empty) total, as Locust's does.
proto::StatsReport make_report(SimWorker& worker, int endpoints, Totals& totals) {
  proto::StatsReport report;
  const double now = wall_seconds();
  const auto second = static_cast<std::int64_t>(now);
  proto::StatsEntryReport total;
  total.name = "Aggregated";
  total.start_time = now - 3;
  std::int64_t total_time = 0;
  const int reported_endpoints = worker.users > 0 ? endpoints : 0;
  for (int e = 0; e < reported_endpoints; ++e) {
    proto::StatsEntryReport entry;
    entry.name = "/endpoint/" + std::to_string(e);
    entry.method = "GET";
    entry.last_request_timestamp = now;
    entry.start_time = now - 3;
    std::int64_t response_time_sum = 0;
    std::int64_t max_ms = 0;
    std::int64_t min_ms = 1'000'000;
    for (int b = 0; b < 6; ++b) {
      const std::int64_t key = 10 + static_cast<std::int64_t>(next_random(worker.seed) % 90) * 10;
      const std::int64_t count = 1 + static_cast<std::int64_t>(next_random(worker.seed) % 5);
      // Buckets are sorted and distinct on the wire (a dict); fold duplicates.
      auto same = std::find_if(entry.response_times.begin(), entry.response_times.end(),
                               [&](const proto::Bucket& bucket) { return bucket.key == key; });
      if (same != entry.response_times.end()) {
        same->count += count;
      } else {
        entry.response_times.push_back({key, count});
      }
      entry.num_requests += count;
      response_time_sum += key * count;
      max_ms = std::max(max_ms, key);
      min_ms = std::min(min_ms, key);
    }
    const std::int64_t per_second = entry.num_requests / 3;
    entry.num_reqs_per_sec = {{second - 2, per_second},
                              {second - 1, per_second},
                              {second, entry.num_requests - 2 * per_second}};
    entry.total_response_time = response_time_sum;
    entry.max_response_time = max_ms;
    entry.min_response_time = proto::Number{min_ms};
    entry.total_content_length = entry.num_requests * 100;
    total.num_requests += entry.num_requests;
    total_time += response_time_sum;
    total.total_content_length += entry.total_content_length;
    report.stats.push_back(std::move(entry));
  }
  if (total.num_requests > 0) total.last_request_timestamp = now;
  total.total_response_time = total_time;
  report.stats_total = std::move(total);
  report.user_classes_count = worker.classes;
  report.user_count = worker.users;
  totals.requests_sent += report.stats_total.num_requests;
  ++totals.reports;
  return report;
}

void send_report(SimWorker& worker, const Config& config, Totals& totals) {
  proto::Stats stats{make_report(worker, config.endpoints, totals)};
  send(worker, proto::to_envelope(stats, worker.id));
}

void on_master_message(SimWorker& worker, const Config& config, const std::string& bytes,
                       Totals& totals) {
  auto envelope = proto::decode_envelope(bytes);
  if (!envelope) return;
  auto message = proto::decode_master_message(*envelope);
  if (!message) return;
  if (std::holds_alternative<proto::Ack>(*message)) {
    if (!worker.registered) ++totals.registered;
    worker.registered = true;
  } else if (auto* spawn = std::get_if<proto::Spawn>(&*message)) {
    worker.classes = spawn->user_classes_count;
    worker.users = 0;
    for (const auto& entry : worker.classes) worker.users += entry.count;
    send(worker, proto::to_envelope(proto::Spawning{}, worker.id));
    send(worker, proto::to_envelope(proto::WorkerSpawningComplete{worker.classes, worker.users},
                                    worker.id));
  } else if (std::holds_alternative<proto::Stop>(*message)) {
    worker.users = 0;
    for (auto& entry : worker.classes) entry.count = 0;
    send(worker, proto::to_envelope(proto::ClientStopped{}, worker.id));
    send(worker, proto::to_envelope(proto::ClientReady{config.version}, worker.id));
  } else if (std::holds_alternative<proto::Quit>(*message)) {
    // Locust's worker sends what it has not reported yet, then leaves.
    send_report(worker, config, totals);
    send(worker, proto::to_envelope(proto::Quit{}, worker.id));
    worker.quit = true;
    ++totals.quits;
  }
}

Config parse(int argc, char** argv) {
  Config config;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--master")
      config.master = value;
    else if (flag == "--workers")
      config.workers = std::stoi(value);
    else if (flag == "--endpoints")
      config.endpoints = std::stoi(value);
    else if (flag == "--report")
      config.report_seconds = std::stod(value);
    else if (flag == "--heartbeat")
      config.heartbeat_seconds = std::stod(value);
    else if (flag == "--version")
      config.version = value;
    else if (flag == "--max-seconds")
      config.max_seconds = std::stod(value);
    else {
      std::fprintf(stderr, "worker_sim: unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  return config;
}

void raise_open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::chrono::nanoseconds seconds(double value) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(value * 1e9));
}

}  // namespace

int main(int argc, char** argv) {
  const Config config = parse(argc, argv);
  raise_open_files_limit();
  zmq::context_t context(1);
  context.set(zmq::ctxopt::max_sockets, config.workers + 64);

  std::vector<SimWorker> workers;
  workers.reserve(static_cast<std::size_t>(config.workers));
  const auto started = Clock::now();
  for (int i = 0; i < config.workers; ++i) {
    SimWorker worker;
    worker.id = "simhost" + std::to_string(i % 16) + "_" + std::to_string(i);
    worker.socket = zmq::socket_t(context, zmq::socket_type::dealer);
    worker.socket.set(zmq::sockopt::routing_id, worker.id);
    worker.socket.set(zmq::sockopt::linger, 2000);
    worker.socket.connect(config.master);
    // Spread the workers' clocks evenly over the intervals.
    const double phase = static_cast<double>(i) / config.workers;
    worker.next_heartbeat = started + seconds(phase * config.heartbeat_seconds);
    worker.next_report = started + seconds(config.report_seconds * (1 + phase));
    worker.seed = static_cast<std::uint64_t>(i) * 7919 + 1;
    send(worker, proto::to_envelope(proto::ClientReady{config.version}, worker.id));
    workers.push_back(std::move(worker));
  }

  Totals totals;
  std::vector<zmq::pollitem_t> items;
  items.reserve(workers.size());
  for (auto& worker : workers) items.push_back({worker.socket.handle(), 0, ZMQ_POLLIN, 0});

  const auto deadline = started + seconds(config.max_seconds);
  zmq::message_t frame;
  // SIGTERM (the benchmark ending a run whose master never said quit) still prints the totals.
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  while (totals.quits < config.workers && Clock::now() < deadline && stop_requested == 0) {
    try {
      zmq::poll(items.data(), items.size(), std::chrono::milliseconds(20));
    } catch (const zmq::error_t& error) {
      if (error.num() != EINTR) throw;
      continue;  // a signal: SIGTERM ends the loop at its condition
    }
    for (std::size_t i = 0; i < workers.size(); ++i) {
      if ((items[i].revents & ZMQ_POLLIN) == 0) continue;
      while (workers[i].socket.recv(frame, zmq::recv_flags::dontwait)) {
        on_master_message(workers[i], config, frame.to_string(), totals);
      }
    }
    const auto now = Clock::now();
    for (auto& worker : workers) {
      if (worker.quit) continue;
      if (now >= worker.next_heartbeat) {
        worker.next_heartbeat += seconds(config.heartbeat_seconds);
        if (worker.last_heartbeat_sent != Clock::time_point{}) {
          const double gap =
              std::chrono::duration<double>(now - worker.last_heartbeat_sent).count();
          totals.longest_heartbeat_gap = std::max(totals.longest_heartbeat_gap, gap);
          if (gap >= 3) ++totals.gaps_over_3s;
        }
        worker.last_heartbeat_sent = now;
        const std::string state = worker.users > 0 ? "running" : "ready";
        send(worker, proto::to_envelope(proto::WorkerHeartbeat{state, 1.5, 60'000'000}, worker.id));
        ++totals.heartbeats;
      }
      if (worker.registered && now >= worker.next_report) {
        worker.next_report += seconds(config.report_seconds);
        send_report(worker, config, totals);
      }
    }
  }
  std::printf(
      "workers=%d registered=%lld requests_sent=%lld reports=%lld heartbeats=%lld quits=%lld "
      "longest_heartbeat_gap=%.2f gaps_over_3s=%lld\n",
      config.workers, static_cast<long long>(totals.registered),
      static_cast<long long>(totals.requests_sent), static_cast<long long>(totals.reports),
      static_cast<long long>(totals.heartbeats), static_cast<long long>(totals.quits),
      totals.longest_heartbeat_gap, static_cast<long long>(totals.gaps_over_3s));
  return totals.quits == config.workers ? 0 : 1;
}
