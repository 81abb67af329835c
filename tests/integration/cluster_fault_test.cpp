// Faults between the master and its workers, with real processes: nodes that
// never registered (stray or forged), a master replaced mid-run, workers that
// register late, die or freeze, garbage on the master's and the web UI's
// ports, a master host that does not resolve.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/fault_bench.hpp"

namespace cicada {
namespace {

// A report of `requests` made-up requests to `name`, as a worker would send it.
proto::StatsReport phantom_report(const std::string& name, std::int64_t requests) {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  proto::StatsEntryReport entry;
  entry.name = name;
  entry.method = "GET";
  entry.start_time = now - 1;
  entry.last_request_timestamp = now;
  entry.num_requests = requests;
  entry.total_response_time = requests;
  entry.max_response_time = std::int64_t{1};
  entry.min_response_time = proto::Number{std::int64_t{1}};
  entry.response_times = {{1, requests}};
  entry.num_reqs_per_sec = {{static_cast<std::int64_t>(now), requests}};
  proto::StatsReport report;
  report.stats = {entry};
  report.stats_total = entry;
  report.stats_total.name = "Aggregated";
  report.stats_total.method = "";
  report.user_count = 1;
  return report;
}

}  // namespace

TEST_CASE("reports from a node that never registered are refused, named safely and totalled") {
  Bench bench;
  const auto scenario = bench.scenario("      - get: /\n");
  auto master = bench.master(scenario, "run", {"-u", "2", "-r", "2", "-t", "5s"});
  auto worker = bench.worker(scenario, 0);
  const std::string log = bench.dir + "/run.log";
  REQUIRE(wait_until([&] { return logged(log, "All users spawned"); }, 15s));

  // Its identity tries to forge a log line; its report adds 1,000 requests
  // that were never made; its message type is 100,000 bytes long.
  const std::string identity = "forger\n[2026-12-04 00:00:00,000] Worker evil reported as ready";
  Impostor impostor(identity, bench.master_port);
  impostor.send(proto::Stats{phantom_report("/phantom", 1000)}, identity);
  CHECK(impostor.receive_type(5s) == "stop");  // asked to register, as a stale worker would be
  impostor.send(proto::CustomMessage{std::string(100'000, 't'), proto::Value()}, identity);
  impostor.send(proto::CustomMessage{std::string(100'000, 't'), proto::Value()}, identity);
  REQUIRE(master->wait(30s) == 0);

  const std::string text = test::read_file(log);
  CHECK(count_in(text, "(1000 requests not merged)") == 1);
  CHECK(text.find("forger\\x0a[2026-12-04 00:00:00,000] Worker evil") != std::string::npos);
  CHECK(text.find("\n[2026-12-04 00:00:00,000] Worker evil") == std::string::npos);
  CHECK(text.find(std::string(200, 't')) == std::string::npos);
  CHECK(text.find("...(100000 bytes)") != std::string::npos);
  CHECK(text.find("1 messages from unregistered nodes (1000 requests in their reports") !=
        std::string::npos);
  CHECK(text.find("2 messages of unknown types") != std::string::npos);

  auto rows = read_stats_csv(bench.dir + "/run_stats.csv");
  CHECK(rows.count("/phantom") == 0);
  CHECK(rows["Aggregated"].requests == rows["/"].requests);
  CHECK(rows["/"].requests > 20);
}

TEST_CASE("a replacement master gets the running workers: they stop, register and run its test") {
  Bench bench;
  const auto scenario = bench.scenario("      - get: /\n");
  auto first = bench.master(scenario, "first",
                            {"-u", "4", "-r", "4", "-t", "120s", "--expect-workers", "2"});
  auto worker0 = bench.worker(scenario, 0);
  auto worker1 = bench.worker(scenario, 1);
  REQUIRE(wait_until([&] { return logged(bench.dir + "/first.log", "All users spawned"); }, 20s));
  first->signal(SIGKILL);
  first->wait(5s);

  const auto replaced_at = std::chrono::steady_clock::now();
  auto second =
      bench.master(scenario, "second", {"-u", "6", "-r", "6", "-t", "4s", "--expect-workers", "2"});
  const std::string log = bench.dir + "/second.log";
  REQUIRE(wait_until([&] { return logged(log, "2 workers connected"); }, 20s));
  CHECK(std::chrono::steady_clock::now() - replaced_at < 15s);
  REQUIRE(second->wait(30s) == 0);

  CHECK(logged(log, "not a registered worker"));
  CHECK(logged(log, "All users spawned: {\"Reader\": 6} (6 total users)"));
  const auto rows = read_stats_csv(bench.dir + "/second_stats.csv");
  REQUIRE(rows.count("/"));
  CHECK(rows.at("/").requests > 50);
  CHECK(rows.at("/").failures == 0);
  // Each worker ran the old test's users, stopped them, and ran the new test's.
  for (int i = 0; i < 2; ++i) {
    const std::string worker_log =
        test::read_file(bench.dir + "/worker" + std::to_string(i) + ".log");
    CHECK(count_in(worker_log, "Connected to the master") >= 1);
    CHECK(count_in(worker_log, "Spawned") >= 2);
  }
}

TEST_CASE("a worker registering while the ramp waits for its last confirmation gets users") {
  Bench bench;
  const auto scenario = bench.scenario("      - get: /\n");
  auto master = bench.master(scenario, "run", {"-u", "10", "-r", "100", "-t", "20s"});
  // The first node takes its users and never confirms them: the master waits
  // its full second for the ramp's last spawning_complete.
  Impostor silent("silent_1", bench.master_port);
  silent.send(proto::ClientReady{std::string("2.46.3")}, "silent_1");
  REQUIRE(silent.await_type("spawn", 10s));
  // A worker that registers in that second must get its share too.
  Impostor late("late_1", bench.master_port);
  late.send(proto::ClientReady{std::string("2.46.3")}, "late_1");
  CHECK(late.await_type("spawn", 3s));
  const std::string log = bench.dir + "/run.log";
  CHECK(wait_until([&] { return logged(log, "users are confirmed running"); }, 5s));
  CHECK(logged(log, "no users reported by: "));
  CHECK(logged(log, "silent_1"));
}

TEST_CASE("a killed worker: missing within 5 s, users moved, its unreported requests stated") {
  Bench bench;
  const auto scenario = bench.scenario("      - get: /\n");
  auto master =
      bench.master(scenario, "run", {"-u", "10", "-r", "10", "-t", "14s", "--expect-workers", "2"});
  auto victim = bench.worker(scenario, 0);
  auto survivor = bench.worker(scenario, 1);
  const std::string log = bench.dir + "/run.log";
  REQUIRE(wait_until([&] { return logged(log, "All users spawned"); }, 20s));
  std::this_thread::sleep_for(4s);
  victim->signal(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  REQUIRE(wait_until([&] { return logged(log, "setting state to missing"); }, 10s));
  CHECK(std::chrono::steady_clock::now() - killed < 5s);
  CHECK(wait_until([&] { return logged(bench.dir + "/worker1.log", "(10 users)"); }, 5s));
  REQUIRE(master->wait(30s) == 0);

  const std::string text = test::read_file(log);
  const auto said = text.find("before it went missing: about ");
  REQUIRE(said != std::string::npos);
  const std::int64_t estimate = std::stoll(text.substr(said + 30));
  CHECK(logged(log, "Workers that went missing took about " + std::to_string(estimate) +
                        " unreported requests with them"));
  // The estimate against the truth: what the target served beyond what was counted.
  const auto rows = read_stats_csv(bench.dir + "/run_stats.csv");
  const std::int64_t lost = target_requests(bench.target_port) - rows.at("Aggregated").requests;
  INFO("estimate " << estimate << ", lost " << lost);
  CHECK(lost > 0);
  CHECK(estimate > 0);
  // An estimate from its last rate and heartbeat: the right size, not exact.
  CHECK(estimate <= 3 * lost + 20);
  CHECK(3 * estimate + 20 >= lost);
  CHECK(count_in(text, "unreported requests with them") == 1);
}

TEST_CASE("SIGTERM mid-run ends the master within its stop timeout, the workers with it") {
  Bench bench;
  const auto scenario = bench.scenario("      - get: /\n");
  auto master = bench.master(
      scenario, "run",
      {"-u", "20", "-r", "20", "-t", "120s", "--expect-workers", "2", "--stop-timeout", "3"});
  auto first = bench.worker(scenario, 0);
  auto second = bench.worker(scenario, 1);
  const std::string log = bench.dir + "/run.log";
  REQUIRE(wait_until([&] { return logged(log, "All users spawned"); }, 20s));
  std::this_thread::sleep_for(2s);
  master->signal(SIGTERM);
  const auto signalled = std::chrono::steady_clock::now();
  REQUIRE(master->wait(15s) == 0);
  CHECK(std::chrono::steady_clock::now() - signalled < 3s + 2s);  // the stop timeout, and a margin
  CHECK(logged(log, "Got SIGTERM signal"));
  CHECK(first->wait(10s) == 0);
  CHECK(second->wait(10s) == 0);
  // The requests made before the signal are in the master's statistics.
  const auto rows = read_stats_csv(bench.dir + "/run_stats.csv");
  CHECK(rows.at("Aggregated").requests > 0);
}

TEST_CASE("a frozen worker (SIGSTOP) goes missing, and after SIGCONT the run is exactly as asked") {
  Bench bench;
  const auto scenario = bench.scenario("      - get: /\n");
  auto master =
      bench.master(scenario, "run", {"-u", "10", "-r", "10", "-t", "16s", "--expect-workers", "2"});
  auto frozen = bench.worker(scenario, 0);
  auto other = bench.worker(scenario, 1);
  const std::string log = bench.dir + "/run.log";
  const std::string other_log = bench.dir + "/worker1.log";
  REQUIRE(wait_until([&] { return logged(log, "All users spawned"); }, 20s));
  frozen->signal(SIGSTOP);
  REQUIRE(wait_until([&] { return logged(log, "setting state to missing"); }, 6s));
  CHECK(wait_until([&] { return logged(other_log, "(10 users)"); }, 5s));
  frozen->signal(SIGCONT);
  REQUIRE(wait_until([&] { return logged(log, "self-healed with heartbeat"); }, 5s));
  // Back to 5 and 5: each worker's last spawn says so.
  CHECK(wait_until([&] { return count_in(test::read_file(other_log), "(5 users)") >= 2; }, 5s));
  REQUIRE(master->wait(30s) == 0);

  const std::string text = test::read_file(log);
  // Its queued reports arrived: nothing is estimated lost in the end.
  CHECK(text.find("unreported requests with them") == std::string::npos);
  const auto rows = read_stats_csv(bench.dir + "/run_stats.csv");
  const std::int64_t served = target_requests(bench.target_port);
  INFO("served " << served << ", recorded " << rows.at("/").requests);
  CHECK(rows.at("/").requests <= served);
  CHECK(served - rows.at("/").requests <= 10);
}

namespace {

// Writes `bytes` to 127.0.0.1:port over plain TCP, then closes.
void send_raw(unsigned short port, const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
  }
  ::close(fd);
}

}  // namespace

TEST_CASE("raw garbage and oversize frames on the master port and the web port change nothing") {
  Bench bench;
  const auto scenario = bench.scenario("      - get: /\n");
  const auto web_port = test::free_port();
  auto master = std::make_unique<test::ChildProcess>(
      std::vector<std::string>{CICADA_MASTER_BINARY, "-f", scenario, "--master-bind-host",
                               "127.0.0.1", "--master-bind-port", std::to_string(bench.master_port),
                               "--web-host", "127.0.0.1", "--web-port", std::to_string(web_port)},
      bench.dir + "/master.log");
  REQUIRE(wait_until([&] { return test::get(web_port, "/stats/requests").status == 200; }, 10s));

  std::string noise(64 * 1024, '\0');
  for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 7919) % 251);
  send_raw(bench.master_port, noise);  // not ZMTP at all
  send_raw(web_port, noise);           // not HTTP at all
  send_raw(web_port, "POST /swarm HTTP/1.1\r\nContent-Length: 50000000\r\n\r\n" +
                         std::string(2 << 20, 'x'));  // a body far over the limit
  Impostor impostor("oversize_1", bench.master_port);
  impostor.socket.send(zmq::buffer(std::string(20 << 20, 'z')), zmq::send_flags::none);

  // Still serving both ports: the UI answers and a real worker registers and runs a test.
  CHECK(test::get(web_port, "/stats/requests").status == 200);
  auto worker = bench.worker(scenario, 0);
  REQUIRE(
      wait_until([&] { return logged(bench.dir + "/master.log", "1 workers connected"); }, 10s));
  CHECK(test::fetch(web_port, "POST", "/swarm", "user_count=2&spawn_rate=2").status == 200);
  CHECK(wait_until(
      [&] {
        const auto body = test::get(web_port, "/stats/requests").body;
        return body.find("\"user_count\": 2") != std::string::npos ||
               body.find("\"user_count\":2") != std::string::npos;
      },
      10s));
  CHECK(master->running());
}

TEST_CASE("a master host that does not resolve is named at once") {
  const std::string dir = test::make_temp_dir("cicada-fault");
  const std::string scenario = dir + "/scenario.yaml";
  std::ofstream(scenario) << "users:\n  - name: Reader\n    tasks:\n      - get: /\n";
  test::ChildProcess worker(
      {CICADA_WORKER_BINARY, "-f", scenario, "--master-host", "no-such-master.invalid"},
      dir + "/worker.log");
  CHECK(wait_until(
      [&] {
        return logged(dir + "/worker.log",
                      "Cannot resolve the master's host 'no-such-master.invalid'");
      },
      10s));
}

}  // namespace cicada
