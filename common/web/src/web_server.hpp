#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

// The web UI's HTTP server: Beast on its own thread and io_context, so
// serving pages never runs on the load loop. It knows nothing of cicada;
// routes.cpp decides what each request means.

namespace cicada::web {

struct HttpRequest {
  std::string method;        ///< "GET", "POST", ...
  std::string path;          ///< without the base path and the query
  std::string query;         ///< after '?', still percent-encoded
  std::string content_type;  ///< of the body
  std::string body;
};

struct HttpReply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra ones
};

/// Turns a request into a reply; runs on the server's thread.
using RequestHandler = std::function<HttpReply(const HttpRequest&)>;

class WebServer {
 public:
  /// Requests whose path is not under `base_path` ("" or "/prefix") get 404.
  WebServer(RequestHandler handler, std::string base_path);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  /// HTTP basic auth on every request: `credentials` is "user:password"
  /// (Locust's --web-auth). Call before listen().
  void require_basic_auth(const std::string& credentials);
  /// Serves https with this PEM certificate chain and key (Locust's
  /// --tls-cert, --tls-key). Throws std::runtime_error naming the file that
  /// cannot be used. Call before listen().
  void use_tls(const std::string& cert_file, const std::string& key_file);
  bool tls() const;

  /// Binds host:port ("" or "*": every interface; port 0: ephemeral), starts
  /// the server's thread and returns the port. Throws std::runtime_error
  /// naming the address when it cannot bind.
  std::uint16_t listen(const std::string& host, std::uint16_t port);
  /// Closes the listener and every connection, then joins the thread. Idempotent.
  void stop();

  struct State;  ///< shared with the connections; defined in the source file

 private:
  std::shared_ptr<State> state_;
};

}  // namespace cicada::web
