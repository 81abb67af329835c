#pragma once

#include "cicada/http/http_session.hpp"
#include "cicada/model/user.hpp"

namespace cicada {

/// A user with an HTTP session aimed at its host (Locust's HttpUser):
/// `co_await client().get("/path")`. Derive from it and inherit the constructor.
class HttpUser : public User {
 public:
  explicit HttpUser(UserContext context);
  /// For classes that tune their session (timeouts, redirects, TLS).
  HttpUser(UserContext context, http::SessionOptions options);
  ~HttpUser() override;

  /// The session settings a user of `context` starts from: its host, TLS
  /// options and the command line's timeouts and body limit.
  static http::SessionOptions session_defaults(const UserContext& context);

  http::HttpSession& client() { return client_; }

 private:
  http::HttpSession client_;
};

}  // namespace cicada
