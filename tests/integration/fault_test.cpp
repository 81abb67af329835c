// Faults a load test meets in the field, with real processes: a target that
// answers garbage, nodes that were never registered (stray or forged), a
// master replaced mid-run, a master host that does not resolve.
#include <doctest/doctest.h>

#include <zmq.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cicada/proto/envelope.hpp"
#include "cicada/proto/messages.hpp"
#include "support/child_process.hpp"
#include "support/http_fetch.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

bool logged(const std::string& log, const std::string& text) {
  return test::read_file(log).find(text) != std::string::npos;
}

std::size_t count_in(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

// Request and failure counts per name from a --csv run's _stats.csv.
struct CsvRow {
  std::int64_t requests = 0;
  std::int64_t failures = 0;
};
std::map<std::string, CsvRow> read_stats_csv(const std::string& path) {
  std::map<std::string, CsvRow> rows;
  std::istringstream lines(test::read_file(path));
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::stringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
    if (fields.size() > 3) rows[fields[1]] = {std::stoll(fields[2]), std::stoll(fields[3])};
  }
  return rows;
}

// A target server, a scenario against it and a folder for logs and CSV files.
struct Bench {
  std::string dir = test::make_temp_dir("cicada-fault");
  unsigned short target_port = test::free_port();
  unsigned short master_port = test::free_port();
  test::ChildProcess target{{CICADA_TARGET_BINARY, "--port", std::to_string(target_port)},
                            dir + "/target.log"};

  Bench() {
    REQUIRE(wait_until([&] { return logged(dir + "/target.log", "listening"); }, 5s));
  }

  std::string scenario(const std::string& tasks) const {
    const std::string path = dir + "/scenario.yaml";
    std::ofstream(path) << "host: http://127.0.0.1:" << target_port
                        << "\nusers:\n  - name: Reader\n    wait_time: {constant: 0.05}\n"
                        << "    tasks:\n"
                        << tasks;
    return path;
  }

  std::unique_ptr<test::ChildProcess> master(const std::string& scenario, const std::string& name,
                                             std::vector<std::string> extra) const {
    std::vector<std::string> argv{CICADA_MASTER_BINARY,
                                  "-f",
                                  scenario,
                                  "--headless",
                                  "--master-bind-host",
                                  "127.0.0.1",
                                  "--master-bind-port",
                                  std::to_string(master_port),
                                  "--csv",
                                  dir + "/" + name};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<test::ChildProcess>(argv, dir + "/" + name + ".log");
  }

  std::unique_ptr<test::ChildProcess> worker(const std::string& scenario, int index) const {
    return std::make_unique<test::ChildProcess>(
        std::vector<std::string>{CICADA_WORKER_BINARY, "-f", scenario, "--master-port",
                                 std::to_string(master_port)},
        dir + "/worker" + std::to_string(index) + ".log");
  }
};

// A DEALER that is no registered worker: sends what the test makes up.
struct Impostor {
  zmq::context_t context;
  zmq::socket_t socket{context, zmq::socket_type::dealer};

  Impostor(const std::string& identity, unsigned short port) {
    socket.set(zmq::sockopt::routing_id, identity);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, 200);
    socket.connect("tcp://127.0.0.1:" + std::to_string(port));
  }
  void send(const proto::WorkerMessage& message, const std::string& node_id) {
    const std::string bytes = proto::encode_envelope(proto::to_envelope(message, node_id));
    socket.send(zmq::buffer(bytes), zmq::send_flags::none);
  }
  /// The type of the next message from the master, or "" when none came in time.
  std::string receive_type(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      zmq::message_t frame;
      if (!socket.recv(frame)) continue;
      auto envelope = proto::decode_envelope(frame.to_string_view());
      if (envelope) return envelope->type;
    }
    return "";
  }
  /// True once a message of `type` came from the master within `limit`.
  bool await_type(const std::string& type, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (receive_type(100ms) == type) return true;
    }
    return false;
  }
};

// What the target served, by its own count.
std::int64_t target_requests(unsigned short port) {
  const auto counts = nlohmann::json::parse(test::get(port, "/__counts").body);
  return counts.value("GET /", std::int64_t{0});
}

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

TEST_CASE("a response that is not HTTP fails that request only: the user's next ones count") {
  Bench bench;
  const auto scenario =
      bench.scenario("      - get: /garbage\n      - get: /\n        weight: 4\n");
  auto master = bench.master(scenario, "run", {"-u", "4", "-r", "4", "-t", "4s"});
  auto worker = bench.worker(scenario, 0);
  REQUIRE(master->wait(30s) == 1);  // 1: some requests failed (the garbage ones)

  auto rows = read_stats_csv(bench.dir + "/run_stats.csv");
  INFO(test::read_file(bench.dir + "/run_stats.csv"));
  CHECK(rows["/garbage"].requests > 0);
  CHECK(rows["/garbage"].failures == rows["/garbage"].requests);
  CHECK(rows["/"].requests > 40);
  CHECK(rows["/"].failures == 0);
  CHECK(logged(bench.dir + "/run_failures.csv", "BadStatusLine"));
}

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

struct Run {
  int exit_code;
  std::string log;
};

Run cicada(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), CICADA_STANDALONE_BINARY);
  const std::string log = dir + "/cicada.log";
  const int code = test::run_command(args, log, 60s);
  return {code, test::read_file(log)};
}

}  // namespace

TEST_CASE("timeouts and the body limit: YAML sets them, a step its own, the command line wins") {
  Bench bench;
  const std::string scenario = bench.dir + "/timeouts.yaml";
  std::ofstream(scenario) << "host: http://127.0.0.1:" << bench.target_port << R"(
http: {timeout: 0.3}
users:
  - name: Reader
    http: {max_body_size: 1000}
    wait_time: {constant: 0.1}
    tasks:
      - get: /delay?ms=2000
        name: slow
      - get: /bytes?n=5000
        name: big
      - get: /delay?ms=1000
        name: own
        timeout: 0.2
)";
  const std::string csv = bench.dir + "/yaml";
  auto run = cicada(bench.dir,
                    {"-f", scenario, "--headless", "-u", "3", "-r", "3", "-t", "3s", "--csv", csv});
  CHECK(run.exit_code == 1);
  std::string failures = test::read_file(csv + "_failures.csv");
  CHECK(failures.find("slow,ReadTimeout('no response within 0.3 s')") != std::string::npos);
  CHECK(failures.find("big,ResponseTooLarge('body larger than 1000 bytes')") != std::string::npos);
  CHECK(failures.find("own,ReadTimeout('no response within 0.2 s')") != std::string::npos);

  const std::string flags = bench.dir + "/flags";
  run = cicada(bench.dir, {"-f", scenario, "--headless", "-u", "3", "-r", "3", "-t", "4s", "--csv",
                           flags, "--network-timeout", "1.5", "--max-body-size", "10000"});
  failures = test::read_file(flags + "_failures.csv");
  CHECK(failures.find("slow,ReadTimeout('no response within 1.5 s')") != std::string::npos);
  CHECK(failures.find("big,") == std::string::npos);
  CHECK(read_stats_csv(flags + "_stats.csv")["big"].requests > 0);
  CHECK(failures.find("own,ReadTimeout('no response within 0.2 s')") != std::string::npos);

  CHECK(cicada(bench.dir, {"-f", scenario, "--network-timeout", "0", "--headless"}).exit_code == 2);
  std::ofstream(scenario)
      << "users:\n  - name: R\n    http: {timeout: -1}\n    tasks: [{get: /}]\n";
  run = cicada(bench.dir, {"-f", scenario, "--headless", "-t", "1s"});
  CHECK(run.exit_code == 2);
  CHECK(run.log.find("timeout must be a positive number of seconds") != std::string::npos);
}

TEST_CASE("requests stalled when the test stops are recorded as failures, not dropped") {
  Bench bench;
  const auto scenario = bench.scenario("      - get: /delay?ms=30000\n        name: stalled\n");
  const std::string csv = bench.dir + "/run";
  const auto started = std::chrono::steady_clock::now();
  const auto run = cicada(
      bench.dir, {"-f", scenario, "--headless", "-u", "2", "-r", "2", "-t", "2s", "--csv", csv});
  CHECK(std::chrono::steady_clock::now() - started < 15s);
  CHECK(run.exit_code == 1);
  const auto rows = read_stats_csv(csv + "_stats.csv");
  CHECK(rows.at("stalled").requests == 2);
  CHECK(rows.at("stalled").failures == 2);
  CHECK(test::read_file(csv + "_failures.csv").find("StoppedWhileWaiting('no response after") !=
        std::string::npos);
}

namespace {

// Open descriptors and resident memory (KiB) of a running process.
std::pair<std::int64_t, std::int64_t> descriptors_and_rss(pid_t pid) {
  std::int64_t fds = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    ++fds;
  std::istringstream status(test::read_file("/proc/" + std::to_string(pid) + "/status"));
  std::int64_t rss = 0;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) rss = std::stoll(line.substr(6));
  }
  return {fds, rss};
}

}  // namespace

TEST_CASE("a misbehaving target: every fault is a failure that says what happened, within bounds") {
  Bench bench;
  const auto refused_port = test::free_port();
  const std::string scenario = bench.dir + "/faults.yaml";
  std::ofstream(scenario) << "host: http://127.0.0.1:" << bench.target_port << R"(
http: {timeout: 1, max_body_size: 100000}
users:
  - name: Reader
    wait_time: {constant: 0.05}
    tasks:
      - get: /
        weight: 4
      - get: /close
      - get: /reset
      - get: /truncate
      - get: /garbage
      - get: /delay?ms=5000
        name: /stall
      - get: /endless
      - get: http://127.0.0.1:)"
                          << refused_port << R"(/
        name: refused
)";
  auto master = bench.master(scenario, "run", {"-u", "5", "-r", "5", "-t", "8s"});
  auto worker = bench.worker(scenario, 0);
  std::int64_t most_fds = 0;
  std::int64_t most_rss = 0;
  while (master->running()) {
    if (worker->running()) {
      const auto [fds, rss] = descriptors_and_rss(worker->pid());
      most_fds = std::max(most_fds, fds);
      most_rss = std::max(most_rss, rss);
    }
    std::this_thread::sleep_for(200ms);
  }
  CHECK(master->wait(5s) == 1);  // requests failed

  const std::string failures = test::read_file(bench.dir + "/run_failures.csv");
  INFO(failures);
  for (const char* expected :
       {"/close,RemoteDisconnected('Remote end closed connection without response')",
        "/truncate,\"IncompleteRead(10 bytes read, 90 more expected)\"",
        "/reset,\"IncompleteRead(5 bytes read, 95 more expected)\"",
        "/garbage,BadStatusLine('malformed HTTP response: bad status line')",
        "/stall,ReadTimeout('no response within 1.0 s')",
        "/endless,ResponseTooLarge('body larger than 100000 bytes')",
        "refused,\"ConnectionRefusedError(111, 'Connection refused')\""}) {
    CHECK(failures.find(expected) != std::string::npos);
  }
  const auto rows = read_stats_csv(bench.dir + "/run_stats.csv");
  CHECK(rows.at("/").requests > 50);
  CHECK(rows.at("/").failures == 0);
  // 5 users hold at most one connection each, whatever the target did.
  INFO("most descriptors " << most_fds << ", most RSS " << most_rss << " KiB");
  CHECK(most_fds < 40);
  // An endless body buffered without a limit would take gigabytes in these 8 s;
  // the bound leaves room for ASan's shadow memory and quarantine.
  CHECK(most_rss < 300 * 1024);
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
