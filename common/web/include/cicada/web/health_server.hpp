#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace cicada {
class Environment;
}

namespace cicada::web {

/// Liveness and readiness over HTTP for container probes (Kubernetes httpGet
/// probes, compose health checks), on the master, the workers and a
/// standalone run alike (--health-port):
///
///   GET /healthz  200 while the test's event loop answers within 3 s; 503
///                 when it is stuck or not running, so a hung process is restarted.
///   GET /readyz   200 while the runner can do its job (Runner::ready(): a
///                 worker is connected to a master that still heartbeats); 503 otherwise.
///
/// Both answer {"status": "ok"|"unavailable", "state": <runner state>,
/// "user_count": N, "worker_count": N} (the last for a master). Served on its
/// own thread like the web UI, so probes never wait behind the load.
class HealthServer {
 public:
  /// Binds and starts serving; throws std::runtime_error naming the address
  /// when it cannot bind. Create it on the loop's thread once the runner exists.
  HealthServer(Environment& environment, const std::string& host, std::uint16_t port);
  ~HealthServer();
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  /// The bound port (useful with port 0).
  std::uint16_t port() const;
  /// Stops serving and joins the server's thread. Idempotent; the destructor calls it.
  void stop();

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cicada::web
