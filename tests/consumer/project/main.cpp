// A user's own program built against the installed cicada package: its own
// user class run by a local runner, and a worker's DEALER talking to a
// master's ROUTER over loopback. Exits 0 when both worked.
#include <cstdio>

#include "cicada/master/master_runner.hpp"
#include "cicada/model/user_class.hpp"
#include "cicada/proto/messages.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/runner/local_runner.hpp"
#include "cicada/transport/dealer_client.hpp"
#include "cicada/transport/router_server.hpp"
#include "cicada/worker/worker_runner.hpp"

namespace {

class PingUser : public cicada::User {
 public:
  using User::User;
  cicada::awaitable<void> ping() {
    record_request({"PING", "/ping", std::chrono::microseconds(250), 4, nullptr, 0, ""});
    co_return;
  }
};

bool users_ran() {
  const cicada::UserClass ping = cicada::UserClass::define<PingUser>("PingUser")
                                     .wait_time(cicada::constant(0.01))
                                     .task("ping", &PingUser::ping);
  cicada::Environment env{{ping}};
  env.create_local_runner();
  env.runner().start(3, 10);
  env.runner().call_later(std::chrono::milliseconds(500), [&] { env.runner().quit(); });
  env.runner().join();
  return env.stats().total().num_requests() > 0;
}

bool master_heard_worker() {
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
  return heard;
}

}  // namespace

int main() {
  // The distributed factories come with cicada::cicada too.
  cicada::MasterRunner& (cicada::Environment::*master_factory)(const std::string&, std::uint16_t) =
      &cicada::Environment::create_master_runner;
  cicada::WorkerRunner& (cicada::Environment::*worker_factory)(const std::string&, std::uint16_t) =
      &cicada::Environment::create_worker_runner;
  if (master_factory == nullptr || worker_factory == nullptr) return 1;
  const bool ran = users_ran();
  const bool heard = master_heard_worker();
  std::printf("consumer: users %s, master %s\n", ran ? "ran" : "did not run",
              heard ? "heard client_ready" : "heard nothing");
  return ran && heard ? 0 : 1;
}
