// CURVE on the master/worker link: the ROUTER and DEALER over real loopback
// TCP, with keys accepted, refused, missing or wrong.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cicada/proto/messages.hpp"
#include "cicada/transport/curve_keys.hpp"
#include "cicada/transport/dealer_client.hpp"
#include "cicada/transport/router_server.hpp"

namespace cicada::transport {
namespace {

using namespace std::chrono_literals;

/// A master with CURVE on, accepting `authorized`, and what reached it.
struct CurveMaster {
  asio::io_context& io;
  CurveKeyPair keys = generate_curve_key_pair();
  RouterServer router{io};
  std::uint16_t port = 0;
  std::vector<std::string> from;  ///< identities of the messages that arrived
  std::vector<std::string> refusals;

  CurveMaster(asio::io_context& io_context, const std::vector<std::string>& authorized)
      : io(io_context) {
    router.on_refused([this](const std::string& reason) { refusals.push_back(reason); });
    router.require_curve(keys.secret_key, authorized);
    port = router.bind("127.0.0.1", 0);
    router.start([this](const std::string& identity, proto::Envelope) { from.push_back(identity); },
                 [](const std::string&, const proto::ProtoError&) {});
  }
};

/// A worker that sends client_ready, with `curve` keys (none when empty).
struct CurveWorker {
  DealerClient dealer;
  std::vector<std::string> refusals;
  std::vector<std::string> received;

  CurveWorker(asio::io_context& io, const std::string& id, std::uint16_t port,
              const CurveClientKeys& curve)
      : dealer(io, id) {
    if (!curve.secret_key.empty()) dealer.use_curve(curve);
    dealer.on_refused([this](const std::string& reason) { refusals.push_back(reason); });
    dealer.connect("127.0.0.1", port);
    dealer.start([this](proto::Envelope envelope) { received.push_back(envelope.type); },
                 [](const proto::ProtoError&) {});
    dealer.send(proto::to_envelope(proto::ClientReady{"2.12.1"}, id));
  }
};

template <typename Done>
bool run_until(asio::io_context& io, Done done, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) io.run_for(10ms);
  return done();
}

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("curve: a worker with an authorized key is heard both ways") {
  asio::io_context io;
  const auto worker_keys = generate_curve_key_pair();
  CurveMaster master(io, {worker_keys.public_key});
  CurveWorker worker(io, "good", master.port, {worker_keys.secret_key, master.keys.public_key});
  REQUIRE(run_until(io, [&] { return !master.from.empty(); }));
  CHECK(master.from.front() == "good");
  master.router.send(proto::to_envelope(proto::Ack{0, {}}, "good"));
  CHECK(run_until(io, [&] { return !worker.received.empty(); }));
  CHECK(worker.received.front() == "ack");
  CHECK(master.refusals.empty());
  CHECK(worker.refusals.empty());
}

TEST_CASE("curve: an unauthorized key is refused, both sides say so, and nothing gets through") {
  asio::io_context io;
  const auto accepted = generate_curve_key_pair();
  const auto stranger = generate_curve_key_pair();
  CurveMaster master(io, {accepted.public_key});
  CurveWorker worker(io, "stranger", master.port, {stranger.secret_key, master.keys.public_key});
  REQUIRE(run_until(io, [&] { return !master.refusals.empty() && !worker.refusals.empty(); }));
  CHECK(mentions(master.refusals, "its CURVE public key " + stranger.public_key));
  CHECK(mentions(master.refusals, "127.0.0.1"));
  CHECK(mentions(worker.refusals, "refused this worker's CURVE key"));
  run_until(
      io, [] { return false; }, 300ms);
  CHECK(master.from.empty());
}

TEST_CASE("curve: a worker without keys, or with the wrong master key, is turned away") {
  asio::io_context io;
  const auto worker_keys = generate_curve_key_pair();
  CurveMaster master(io, {worker_keys.public_key});
  const auto impostor_master = generate_curve_key_pair();

  SUBCASE("no keys") {
    CurveWorker worker(io, "plain", master.port, {});
    REQUIRE(run_until(io, [&] { return !master.refusals.empty() && !worker.refusals.empty(); }));
    CHECK((mentions(master.refusals, "it has no CURVE keys, and this master requires them") ||
           mentions(master.refusals, "it broke off (no CURVE keys")));
    CHECK(mentions(worker.refusals, "CURVE keys"));
  }
  SUBCASE("the wrong master key") {
    CurveWorker worker(io, "misled", master.port,
                       {worker_keys.secret_key, impostor_master.public_key});
    REQUIRE(run_until(io, [&] { return !master.refusals.empty(); }));
    CHECK(mentions(master.refusals, "could not be decrypted"));
  }
  run_until(
      io, [] { return false; }, 300ms);
  CHECK(master.from.empty());
}

TEST_CASE("curve: a master without CURVE turns away a worker that has it") {
  asio::io_context io;
  RouterServer router(io);
  std::vector<std::string> refusals;
  std::vector<std::string> from;
  router.on_refused([&](const std::string& reason) { refusals.push_back(reason); });
  const auto port = router.bind("127.0.0.1", 0);
  router.start([&](const std::string& identity, proto::Envelope) { from.push_back(identity); },
               [](const std::string&, const proto::ProtoError&) {});
  const auto keys = generate_curve_key_pair();
  CurveWorker worker(io, "secure", port, {keys.secret_key, generate_curve_key_pair().public_key});
  REQUIRE(run_until(io, [&] { return !refusals.empty(); }));
  CHECK(mentions(refusals, "this master has none"));
  CHECK(from.empty());
}

}  // namespace cicada::transport
