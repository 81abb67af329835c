// Uses the installed library end to end: a worker's DEALER sends a typed
// message to a master's ROUTER over loopback and the master decodes it.
#include <cstdio>

#include "cicada/proto/messages.hpp"
#include "cicada/transport/dealer_client.hpp"
#include "cicada/transport/router_server.hpp"

int main() {
  cicada::asio::io_context io;
  cicada::transport::RouterServer master(io);
  const auto port = master.bind("127.0.0.1", 0);
  bool heard = false;
  master.start(
      [&](const std::string& identity, cicada::proto::Envelope envelope) {
        auto message = cicada::proto::decode_worker_message(envelope);
        heard = message && std::holds_alternative<cicada::proto::ClientReady>(*message) &&
                identity == "consumer_1";
      },
      [](const std::string&, const cicada::proto::ProtoError&) {});

  cicada::transport::DealerClient worker(io, "consumer_1");
  worker.connect("127.0.0.1", port);
  worker.start([](cicada::proto::Envelope) {}, [](const cicada::proto::ProtoError&) {});
  worker.send(cicada::proto::to_envelope(cicada::proto::ClientReady{"2.46.3"}, "consumer_1"));

  for (int i = 0; i < 500 && !heard; ++i) io.run_for(std::chrono::milliseconds(10));
  std::puts(heard ? "consumer: master heard client_ready" : "consumer: nothing arrived");
  return heard ? 0 : 1;
}
