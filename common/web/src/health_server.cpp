#include "cicada/web/health_server.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "cicada/runner/environment.hpp"
#include "cicada/runner/runner.hpp"
#include "loop_bridge.hpp"
#include "web_server.hpp"

namespace cicada::web {
namespace {

// Longer than any one step of the loop, shorter than a probe's usual timeout
// (the manifests in deploy/k8s give probes 5 s).
constexpr auto kLoopAnswerLimit = std::chrono::seconds(3);

struct Health {
  bool ready = false;
  nlohmann::json body;
};

// Runs on the loop: reads the runner there, where it lives.
Health read_health(Environment& environment) {
  Health health;
  if (!environment.has_runner()) {
    health.body = {{"state", "no runner"}};
    return health;
  }
  const Runner& runner = environment.runner();
  health.ready = runner.ready();
  health.body = {{"state", std::string(to_string(runner.state()))},
                 {"user_count", runner.user_count()}};
  if (runner.distributed()) health.body["worker_count"] = runner.worker_count();
  return health;
}

HttpReply json_reply(nlohmann::json body, bool ok) {
  body["status"] = ok ? "ok" : "unavailable";
  return {ok ? 200u : 503u, "application/json", body.dump(), {}};
}

}  // namespace

class HealthServer::Impl {
 public:
  Impl(Environment& environment, const std::string& host, std::uint16_t port)
      : environment_(environment),
        bridge_(environment.io_context()),
        server_([this](const HttpRequest& request) { return handle(request); }, "") {
    port_ = server_.listen(host, port);
    spdlog::info("Health endpoints at http://{}:{}/healthz and /readyz",
                 host.empty() || host == "*" ? "0.0.0.0" : host, port_);
  }

  std::uint16_t port() const { return port_; }

  void stop() {
    bridge_.close();
    server_.stop();
  }

 private:
  // Runs on the server's thread.
  HttpReply handle(const HttpRequest& request) {
    if (request.method != "GET" && request.method != "HEAD")
      return {405, "text/plain", "Method Not Allowed", {}};
    const bool liveness = request.path == "/healthz";
    if (!liveness && request.path != "/readyz") return {404, "text/plain", "Not Found", {}};
    Health health;
    try {
      health = bridge_.call([this] { return read_health(environment_); }, kLoopAnswerLimit);
    } catch (const LoopUnavailable& e) {
      return json_reply({{"error", e.what()}}, false);
    }
    // Alive means the loop answered; ready asks the runner too.
    return json_reply(std::move(health.body), liveness || health.ready);
  }

  Environment& environment_;
  LoopBridge bridge_;
  WebServer server_;
  std::uint16_t port_ = 0;
};

HealthServer::HealthServer(Environment& environment, const std::string& host, std::uint16_t port)
    : impl_(std::make_unique<Impl>(environment, host, port)) {}

HealthServer::~HealthServer() {
  stop();
}

std::uint16_t HealthServer::port() const {
  return impl_->port();
}

void HealthServer::stop() {
  impl_->stop();
}

}  // namespace cicada::web
