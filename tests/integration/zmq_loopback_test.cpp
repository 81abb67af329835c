// The master's ROUTER and the worker's DEALER talking over real loopback TCP.
#include "cicada/transport/dealer_client.hpp"
#include "cicada/transport/router_server.hpp"
#include "cicada/transport/transport_error.hpp"

#include <doctest/doctest.h>

#include <zmq.hpp>

#include <algorithm>
#include <thread>

#include <boost/asio/steady_timer.hpp>

#include "cicada/proto/messages.hpp"

namespace cicada::transport {
namespace {

using namespace std::chrono_literals;

/// Runs `io` until `done()` holds, failing the test after `limit`.
template <typename Done>
void run_until(asio::io_context& io, Done done, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) FAIL("timed out waiting on the sockets");
    io.run_for(10ms);
  }
}

std::vector<proto::Envelope> every_worker_message(const std::string& node_id) {
  proto::StatsReport report;
  report.stats_total.name = "Aggregated";
  report.user_count = 3;
  report.user_classes_count = {{"User1", 3}};
  std::vector<proto::WorkerMessage> messages = {
      proto::ClientReady{"2.46.3"},
      proto::WorkerHeartbeat{"running", 12.5, 52428800u},
      proto::Spawning{},
      proto::WorkerSpawningComplete{{{"User1", 3}}, 3},
      proto::Stats{report},
      proto::ExceptionReport{"boom", "trace"},
      proto::ClientStopped{},
      proto::Quit{},
      proto::Logs{node_id, {"a line"}},
      proto::CustomMessage{"acme", proto::make_map({{"k", 1}})},
  };
  std::vector<proto::Envelope> envelopes;
  for (const auto& message : messages) envelopes.push_back(proto::to_envelope(message, node_id));
  return envelopes;
}

std::vector<proto::Envelope> every_master_message(const std::string& node_id) {
  std::vector<proto::MasterMessage> messages = {
      proto::Ack{0, {}},
      proto::MasterHeartbeat{},
      proto::Spawn{1700000000.25,
                   {{"User1", 1}},
                   "http://127.0.0.1:8080",
                   0.0,
                   proto::Value(proto::Value::Map{})},
      proto::MasterSpawningComplete{3},
      proto::Stop{},
      proto::Quit{},
      proto::Reconnect{},
      proto::CustomMessage{"acme", proto::Value(proto::Value::Array{1, "two"})},
  };
  std::vector<proto::Envelope> envelopes;
  for (const auto& message : messages) envelopes.push_back(proto::to_envelope(message, node_id));
  return envelopes;
}

struct RouterInbox {
  std::vector<std::pair<std::string, proto::Envelope>> messages;
  std::vector<std::pair<std::string, std::string>> bad_frames;

  void start(RouterServer& router) {
    router.start(
        [this](const std::string& identity, proto::Envelope envelope) {
          messages.emplace_back(identity, std::move(envelope));
        },
        [this](const std::string& identity, const proto::ProtoError& error) {
          bad_frames.emplace_back(identity, error.message);
        });
  }
};

}  // namespace

TEST_CASE("every message type crosses DEALER -> ROUTER -> DEALER intact with the right identity") {
  asio::io_context io;
  RouterServer router(io);
  const std::uint16_t port = router.bind("127.0.0.1", 0);
  CHECK(port != 0);
  RouterInbox inbox;
  inbox.start(router);

  const std::string node_id = "testhost_0123456789abcdef0123456789abcdef";
  DealerClient dealer(io, node_id);
  dealer.connect("127.0.0.1", port);
  std::vector<proto::Envelope> worker_inbox;
  dealer.start(
      [&](proto::Envelope envelope) { worker_inbox.push_back(std::move(envelope)); },
      [](const proto::ProtoError& error) { FAIL("worker got a bad frame: " << error.message); });

  const auto to_master = every_worker_message(node_id);
  for (const auto& envelope : to_master) CHECK(dealer.send(envelope));
  run_until(io, [&] { return inbox.messages.size() == to_master.size(); });
  for (std::size_t i = 0; i < to_master.size(); ++i) {
    CHECK(inbox.messages[i].first == node_id);
    CHECK(inbox.messages[i].second == to_master[i]);
    CHECK(proto::decode_worker_message(inbox.messages[i].second).has_value());
  }

  const auto to_worker = every_master_message(node_id);
  for (const auto& envelope : to_worker) router.send(envelope);
  run_until(io, [&] { return worker_inbox.size() == to_worker.size(); });
  for (std::size_t i = 0; i < to_worker.size(); ++i) {
    CHECK(worker_inbox[i] == to_worker[i]);
    CHECK(proto::decode_master_message(worker_inbox[i]).has_value());
  }
  CHECK(inbox.bad_frames.empty());
}

TEST_CASE("the router keeps workers apart by identity") {
  asio::io_context io;
  RouterServer router(io);
  const auto port = router.bind("127.0.0.1", 0);
  RouterInbox inbox;
  inbox.start(router);

  DealerClient first(io, "hostA_1");
  DealerClient second(io, "hostB_2");
  std::vector<proto::Envelope> first_inbox;
  std::vector<proto::Envelope> second_inbox;
  for (auto* client : {&first, &second}) client->connect("127.0.0.1", port);
  first.start([&](proto::Envelope e) { first_inbox.push_back(std::move(e)); }, [](auto&&) {});
  second.start([&](proto::Envelope e) { second_inbox.push_back(std::move(e)); }, [](auto&&) {});

  first.send(proto::to_envelope(proto::ClientReady{"2.46.3"}, "hostA_1"));
  second.send(proto::to_envelope(proto::ClientReady{"2.46.3"}, "hostB_2"));
  run_until(io, [&] { return inbox.messages.size() == 2; });

  router.send(proto::to_envelope(proto::Ack{1, {}}, "hostB_2"));
  router.send(proto::to_envelope(proto::Ack{0, {}}, "hostA_1"));
  router.send(proto::to_envelope(proto::Ack{9, {}}, "nobody_here"));  // dropped, as ZeroMQ does
  run_until(io, [&] { return first_inbox.size() == 1 && second_inbox.size() == 1; });
  CHECK(first_inbox[0].data.find("index")->as_int() == 0);
  CHECK(second_inbox[0].data.find("index")->as_int() == 1);
}

TEST_CASE("a frame that is not an envelope reaches the bad-frame handler with its sender") {
  asio::io_context io;
  RouterServer router(io);
  const auto port = router.bind("127.0.0.1", 0);
  RouterInbox inbox;
  inbox.start(router);

  zmq::context_t context;
  zmq::socket_t raw(context, zmq::socket_type::dealer);
  raw.set(zmq::sockopt::routing_id, "rogue_1");
  raw.set(zmq::sockopt::linger, 0);
  raw.connect("tcp://127.0.0.1:" + std::to_string(port));
  raw.send(zmq::str_buffer("\x93\xa3not"), zmq::send_flags::none);
  // A REQ-style empty delimiter frame first: the payload frame is then empty.
  raw.send(zmq::str_buffer(""), zmq::send_flags::sndmore);
  raw.send(zmq::str_buffer("\x93\xa1x\xc0\xa1n"), zmq::send_flags::none);
  // Extra frames after a good payload are ignored, as Locust's master does.
  raw.send(zmq::str_buffer("\x93\xa4quit\xc0\xa7rogue_1"), zmq::send_flags::sndmore);
  raw.send(zmq::str_buffer("trailing frame"), zmq::send_flags::none);

  run_until(io, [&] { return inbox.bad_frames.size() == 2 && inbox.messages.size() == 1; });
  CHECK(inbox.bad_frames[0].first == "rogue_1");
  CHECK(inbox.bad_frames[0].second == "truncated msgpack: 5 bytes end inside a value");
  CHECK(inbox.bad_frames[1].second == "empty frame");
  CHECK(inbox.messages[0].second.type == "quit");
}

TEST_CASE("a flood of messages does not hold up the loop's timers") {
  asio::io_context io;
  RouterServer router(io);
  const auto port = router.bind("127.0.0.1", 0);

  zmq::context_t context;
  zmq::socket_t flood(context, zmq::socket_type::dealer);
  flood.set(zmq::sockopt::routing_id, "busy_1");
  flood.set(zmq::sockopt::linger, 0);
  flood.connect("tcp://127.0.0.1:" + std::to_string(port));
  const std::string heartbeat = proto::encode_envelope(
      proto::to_envelope(proto::WorkerHeartbeat{"running", 1.0, 1u}, "busy_1"));
  constexpr int kMessages = 1500;  // below ZeroMQ's default queue limits on both ends
  for (int i = 0; i < kMessages; ++i) flood.send(zmq::buffer(heartbeat), zmq::send_flags::none);
  // Let every message reach the router's queue before anyone reads it.
  std::this_thread::sleep_for(500ms);

  int handled = 0;
  int handled_when_timer_fired = -1;
  router.start([&](const std::string&, proto::Envelope) { ++handled; },
               [](const std::string&, const proto::ProtoError&) {});
  asio::steady_timer timer(io, 0ms);
  timer.async_wait([&](const boost::system::error_code&) { handled_when_timer_fired = handled; });
  run_until(io, [&] { return handled == kMessages && handled_when_timer_fired >= 0; });
  CHECK(handled_when_timer_fired < kMessages);
}

TEST_CASE("a worker that reconnects under the same identity is heard and answered") {
  asio::io_context io;
  RouterServer router(io);
  const auto port = router.bind("127.0.0.1", 0);
  RouterInbox inbox;
  inbox.start(router);

  DealerClient dealer(io, "host_reconnecting");
  dealer.connect("127.0.0.1", port);
  int acks = 0;
  dealer.start([&](proto::Envelope e) { acks += e.type == "ack" ? 1 : 0; }, [](auto&&) {});
  dealer.send(proto::to_envelope(proto::ClientReady{"2.46.3"}, "host_reconnecting"));
  run_until(io, [&] { return inbox.messages.size() == 1; });
  router.send(proto::to_envelope(proto::Ack{0, {}}, "host_reconnecting"));
  run_until(io, [&] { return acks == 1; });

  for (int round = 0; round < 3; ++round) {
    dealer.reconnect();
    dealer.send(proto::to_envelope(proto::WorkerHeartbeat{"ready", 0.0, 1u}, "host_reconnecting"));
    run_until(io, [&] { return inbox.messages.size() == static_cast<std::size_t>(2 + round); });
    CHECK(inbox.messages.back().first == "host_reconnecting");
    router.send(proto::to_envelope(proto::Ack{0, {}}, "host_reconnecting"));
    run_until(io, [&] { return acks == 2 + round; });
  }
}

TEST_CASE("binding a port that is taken is an error naming the address") {
  asio::io_context io;
  RouterServer first(io);
  const auto port = first.bind("127.0.0.1", 0);
  RouterServer second(io);
  CHECK_THROWS_WITH_AS(second.bind("127.0.0.1", port),
                       doctest::Contains(("tcp://127.0.0.1:" + std::to_string(port)).c_str()),
                       TransportError);
}

TEST_CASE("messages sent before the master is up are delivered once it binds") {
  asio::io_context io;
  // Find a free port, then release it so the worker can connect before the master exists.
  std::uint16_t port = 0;
  {
    RouterServer probe(io);
    port = probe.bind("127.0.0.1", 0);
  }
  DealerClient dealer(io, "host_early");
  dealer.connect("127.0.0.1", port);
  dealer.start([](proto::Envelope) {}, [](auto&&) {});
  CHECK(dealer.send(proto::to_envelope(proto::ClientReady{"2.46.3"}, "host_early")));
  io.run_for(100ms);

  RouterServer router(io);
  router.bind("127.0.0.1", port);
  RouterInbox inbox;
  inbox.start(router);
  run_until(io, [&] { return inbox.messages.size() == 1; });
  CHECK(inbox.messages[0].first == "host_early");
}

TEST_CASE(
    "a router reading in batches hears every message of a burst, in order, and its replies go "
    "out") {
  asio::io_context io;
  RouterServer router(io);
  router.set_receive_batching(20ms);
  const auto port = router.bind("127.0.0.1", 0);
  RouterInbox inbox;
  inbox.start(router);

  constexpr std::size_t kDealers = 20;
  constexpr int kEach = 50;
  const auto id_of = [](std::size_t d) { return "w" + std::to_string(d); };
  const auto index_of = [](const std::string& id) { return std::stoul(id.substr(1)); };
  std::vector<std::unique_ptr<DealerClient>> dealers;
  std::vector<int> replies(kDealers, 0);
  for (std::size_t d = 0; d < kDealers; ++d) {
    auto& dealer = dealers.emplace_back(std::make_unique<DealerClient>(io, id_of(d)));
    dealer->connect("127.0.0.1", port);
    dealer->start([&replies, d](proto::Envelope) { ++replies[d]; }, [](auto&&) {});
  }
  for (int i = 0; i < kEach; ++i) {
    for (std::size_t d = 0; d < kDealers; ++d) {
      dealers[d]->send(proto::to_envelope(
          proto::WorkerHeartbeat{std::to_string(i), static_cast<double>(i), std::nullopt},
          id_of(d)));
    }
  }
  // Each dealer's first message is answered while the rest are still arriving.
  std::vector<bool> answered(kDealers, false);
  run_until(io, [&] {
    for (const auto& [identity, envelope] : inbox.messages) {
      if (!answered[index_of(identity)]) {
        answered[index_of(identity)] = true;
        router.send(proto::to_envelope(proto::MasterHeartbeat{}, identity));
      }
    }
    return inbox.messages.size() == kDealers * kEach &&
           std::all_of(replies.begin(), replies.end(), [](int n) { return n == 1; });
  });
  std::vector<int> next(kDealers, 0);
  for (const auto& [identity, envelope] : inbox.messages) {
    CHECK(*envelope.data.find("state")->as_string() == std::to_string(next[index_of(identity)]++));
  }
  CHECK(inbox.bad_frames.empty());
}

}  // namespace cicada::transport
