// CURVE keys on the master/worker link, with real processes: the keys made by
// --curve-keygen, a worker with an accepted key running the test over an
// encrypted link, workers without one turned away (and both sides saying so),
// the master's --processes workers, and the flags' mistakes.
#include <doctest/doctest.h>

#include <filesystem>

#include "cicada/transport/curve_keys.hpp"
#include "support/fault_bench.hpp"
#include "support/tcp_wiretap.hpp"

namespace cicada {
namespace {

// Key files made by the programs' own --curve-keygen, in `dir`.
struct Keys {
  std::string dir;
  explicit Keys(std::string folder) : dir(std::move(folder)) {
    std::filesystem::create_directory(dir + "/authorized");
    for (const auto& [program, name] :
         {std::pair{CICADA_MASTER_BINARY, "master"}, std::pair{CICADA_WORKER_BINARY, "good"},
          std::pair{CICADA_WORKER_BINARY, "other"}}) {
      REQUIRE(test::run_command({program, "--curve-keygen", dir + "/" + name},
                                dir + "/keygen.log") == 0);
    }
    std::filesystem::copy_file(dir + "/good.pub", dir + "/authorized/good.pub");
  }
  std::string file(const std::string& name) const { return dir + "/" + name; }
  std::string public_key(const std::string& name) const {
    return transport::read_curve_key_file(file(name + ".pub")).public_key;
  }
  std::vector<std::string> master_flags() const {
    return {"--curve-secret-key", file("master.key"), "--curve-authorized-keys",
            dir + "/authorized"};
  }
};

std::unique_ptr<test::ChildProcess> worker_at(const Bench& bench, const std::string& scenario,
                                              unsigned short port, const std::string& name,
                                              std::vector<std::string> extra) {
  std::vector<std::string> argv{CICADA_WORKER_BINARY, "-f", scenario, "--master-port",
                                std::to_string(port)};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<test::ChildProcess>(argv, bench.dir + "/" + name + ".log");
}

}  // namespace

TEST_CASE("curve cluster: only a worker with an accepted key joins, over an encrypted link") {
  Bench bench;
  const Keys keys(bench.dir);
  const auto scenario = bench.scenario("      - get: /\n");
  auto flags = keys.master_flags();
  flags.insert(flags.end(), {"-u", "2", "-r", "10", "-t", "4s", "--expect-workers", "1"});
  auto master = bench.master(scenario, "run", flags);
  const std::string log = bench.dir + "/run.log";

  // Turned away: another key, no keys, and a key pair that takes itself for the master's.
  auto other = worker_at(bench, scenario, bench.master_port, "other",
                         {"--curve-secret-key", keys.file("other.key"), "--curve-master-key",
                          keys.file("master.pub")});
  auto plain = worker_at(bench, scenario, bench.master_port, "plain", {});
  auto misled = worker_at(
      bench, scenario, bench.master_port, "misled",
      {"--curve-secret-key", keys.file("good.key"), "--curve-master-key", keys.file("other.pub")});
  CHECK(wait_until([&] { return logged(log, "its CURVE public key " + keys.public_key("other")); },
                   10s));
  CHECK(wait_until([&] { return logged(log, "A worker's handshake failed"); }, 10s));
  CHECK(wait_until(
      [&] { return logged(bench.dir + "/other.log", "refused this worker's CURVE key"); }, 10s));
  CHECK(wait_until(
      [&] {
        return logged(bench.dir + "/plain.log", "the master requires CURVE keys") ||
               logged(bench.dir + "/plain.log", "does the master require CURVE keys");
      },
      10s));
  CHECK_FALSE(logged(log, "reported as ready"));

  // The accepted worker, through a wiretap that keeps what crosses the wire.
  test::TcpWiretap wiretap(bench.master_port);
  auto good = worker_at(
      bench, scenario, wiretap.port(), "good",
      {"--curve-secret-key", keys.file("good.key"), "--curve-master-key", keys.file("master.pub")});
  CHECK(master->wait(30s) == 0);
  CHECK(logged(log, "1 workers connected"));
  CHECK_FALSE(logged(log, "2 workers connected"));
  CHECK(logged(log, "Refused in all:"));
  const auto stats = read_stats_csv(bench.dir + "/run_stats.csv");
  REQUIRE(stats.count("/"));
  CHECK(stats.at("/").requests > 0);
  CHECK(stats.at("/").requests <= target_requests(bench.target_port));
  // Locust's messages travel as msgpack with their type names in clear text;
  // under CURVE nothing of them shows.
  const std::string wire = wiretap.captured();
  CHECK(wire.size() > 1000);
  CHECK(wire.find("CURVE") != std::string::npos);  // the ZMTP greeting names the mechanism
  for (const char* text : {"client_ready", "heartbeat", "spawning_complete", "stats", "Reader"}) {
    CHECK_MESSAGE(wire.find(text) == std::string::npos, text << " crossed the wire in clear");
  }
}

TEST_CASE("curve cluster: without keys the link is Locust's plaintext (what the wiretap can see)") {
  Bench bench;
  const auto scenario = bench.scenario("      - get: /\n");
  auto master = bench.master(scenario, "run", {"-u", "1", "-r", "10", "-t", "2s"});
  test::TcpWiretap wiretap(bench.master_port);
  auto worker = worker_at(bench, scenario, wiretap.port(), "worker", {});
  CHECK(master->wait(30s) == 0);
  const std::string wire = wiretap.captured();
  CHECK(wire.find("client_ready") != std::string::npos);
  CHECK(wire.find("heartbeat") != std::string::npos);
}

TEST_CASE("curve cluster: the master's --processes workers join with the master's own key") {
  Bench bench;
  const Keys keys(bench.dir);
  const auto scenario = bench.scenario("      - get: /\n");
  auto flags = keys.master_flags();
  flags.insert(flags.end(), {"-u", "2", "-r", "10", "-t", "3s", "--processes", "2"});
  auto master = bench.master(scenario, "run", flags);
  CHECK(master->wait(30s) == 0);
  const std::string log = bench.dir + "/run.log";
  CHECK(logged(log, "2 workers connected"));
  CHECK_FALSE(logged(log, "Refused"));
  CHECK(read_stats_csv(bench.dir + "/run_stats.csv").at("/").requests > 0);
}

TEST_CASE("curve cluster: mistakes in the key flags are usage errors naming the problem") {
  Bench bench;
  const Keys keys(bench.dir);
  const auto scenario = bench.scenario("      - get: /\n");
  const std::string out = bench.dir + "/usage.log";
  const auto run = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin() + 1, {"-f", scenario});
    return test::run_command(argv, out, std::chrono::seconds(20));
  };
  CHECK(run({CICADA_MASTER_BINARY, "--headless", "--curve-secret-key", keys.file("master.key")}) ==
        2);
  CHECK(logged(out, "--curve-secret-key and --curve-authorized-keys go together"));
  CHECK(run({CICADA_WORKER_BINARY, "--curve-master-key", keys.file("master.pub")}) == 2);
  CHECK(logged(out, "--curve-secret-key and --curve-master-key go together"));
  // A .pub given where the secret key belongs.
  CHECK(run({CICADA_WORKER_BINARY, "--curve-secret-key", keys.file("good.pub"),
             "--curve-master-key", keys.file("master.pub")}) == 2);
  CHECK(logged(out, "holds no secret-key (give the .key file, not the .pub)"));
  std::ofstream(bench.dir + "/broken.pub") << "public-key = \"not a key\"\n";
  CHECK(run({CICADA_MASTER_BINARY, "--headless", "--curve-secret-key", keys.file("master.key"),
             "--curve-authorized-keys", bench.dir + "/broken.pub"}) == 2);
  CHECK(logged(out, "broken.pub:1: the public-key is not a CURVE key"));
  CHECK(run({CICADA_MASTER_BINARY, "--curve-keygen", keys.file("master")}) == 1);
  CHECK(logged(out, "master.key: File exists"));
}

}  // namespace cicada
