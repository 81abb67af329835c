#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cicada/core/asio.hpp"
#include "cicada/http/response.hpp"

namespace cicada {
class User;
}

namespace cicada::http {

/// Settings of one user's HTTP session (Locust's HttpUser/FastHttpUser knobs).
/// HTTP basic auth credentials (python-requests' `auth=(username, password)`).
struct BasicAuth {
  std::string username;
  std::string password;
  bool operator==(const BasicAuth&) const = default;
};

/// One file of a multipart/form-data upload (python-requests' `files=`).
struct FilePart {
  std::string field;     ///< the form field name
  std::string filename;  ///< sent as the part's filename
  std::string content;
  std::string content_type = "";  ///< the part's Content-Type; none when empty
};

struct SessionOptions {
  std::string base_url;  ///< "http(s)://host[:port]"; relative URLs are appended to it
  std::chrono::duration<double> connect_timeout{60};
  std::chrono::duration<double> network_timeout{60};  ///< per read/write
  bool follow_redirects = true;
  int max_redirects = 30;
  bool insecure = false;  ///< skip TLS certificate verification (self-signed targets)
  std::string ca_file;    ///< PEM file of trusted CAs; empty = the system's
  std::size_t max_body_bytes = std::size_t{64} << 20;
  std::string user_agent = "cicada/0.1";
  /// Basic auth for every request to the session's host (`client.auth` in
  /// Locust). Without it, credentials in the host URL (`http://user:pass@host`)
  /// are used, as python-requests does.
  std::optional<BasicAuth> auth{};

  bool operator==(const SessionOptions&) const = default;
};

/// One request's extras (Locust's request kwargs).
struct RequestOptions {
  std::optional<std::string> name{};  ///< the stats row; default: path + query as requested
  Headers headers{};
  Headers query{};                    ///< appended to the URL, percent-encoded
  std::optional<std::string> body{};  ///< raw body
  std::optional<std::string> json{};  ///< JSON text; sets Content-Type: application/json
  Headers form{};                     ///< application/x-www-form-urlencoded body
  /// Files to upload: the body becomes multipart/form-data, with `form`'s
  /// fields as parts before the files (python-requests' order).
  std::vector<FilePart> files{};
  std::optional<BasicAuth> auth{};  ///< overrides the session's auth for this request
  bool catch_response = false;      ///< decide success/failure yourself (see Response)
  std::optional<bool> allow_redirects{};
  std::optional<std::chrono::duration<double>> timeout{};  ///< overrides network_timeout
  /// Added to User::context() in this request's event (Locust's `context=`).
  RequestContext context{};
};

/// A request described by views, for callers that keep the viewed text alive
/// until the request completes (the scenario engine does: its steps are
/// rendered once). Nothing is copied to send it.
struct RequestView {
  std::string_view method;
  std::string_view url;   ///< absolute, or relative to the session's base URL
  std::string_view name;  ///< the stats row; empty: path + query as requested
  const Headers* headers = nullptr;
  std::string_view body;
  std::string_view content_type;  ///< sent as Content-Type when not empty
  /// An Authorization header value ("Basic ...") for the first host; empty:
  /// the session's auth or the URL's credentials.
  std::string_view authorization = {};
  bool catch_response = false;
  std::optional<bool> allow_redirects{};
  std::optional<std::chrono::duration<double>> timeout{};
  const RequestContext* context = nullptr;  ///< the request's own context, if any
};

/// Simple cookie storage: name=value per host, sent back to that host.
class CookieJar {
 public:
  void set(const std::string& host, const std::string& set_cookie_header);
  /// The Cookie header value for a request to `host` and `path`, or "".
  std::string header_for(const std::string& host, const std::string& path) const;
  void clear() { cookies_.clear(); }
  std::size_t size() const { return cookies_.size(); }

 private:
  struct Cookie {
    std::string host;
    std::string path;
    std::string name;
    std::string value;
  };
  std::vector<Cookie> cookies_;
};

class SessionImpl;

/// A user's HTTP/1.1 client: keep-alive connection reuse, cookies, redirects,
/// timeouts, TLS. Every request is recorded in the statistics (request type =
/// method). Failures — refused, DNS, timeout, reset, TLS, malformed or
/// truncated response, body over the size limit, status >= 400 — become
/// recorded failures with a clear text; nothing throws except UserKilled when
/// the runner kills the user. Runs on its user's event loop.
class SessionImpl;

/// While it lives, a session's requests without a name of their own are
/// recorded under one name (Locust's `with client.rename_request(name):`).
class RequestRename {
 public:
  RequestRename(RequestRename&& other) noexcept;
  RequestRename& operator=(RequestRename&&) = delete;
  ~RequestRename();

 private:
  friend class HttpSession;
  RequestRename(SessionImpl* session, std::unique_ptr<std::string> previous);
  SessionImpl* session_;
  std::unique_ptr<std::string> previous_;
};

class HttpSession {
 public:
  HttpSession(User& user, SessionOptions options);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  awaitable<Response> request(std::string method, std::string url, RequestOptions options = {});
  /// The same request path without copies: `request`, and everything it
  /// views, must stay alive until the returned awaitable completes (as they
  /// do in `co_await client().send(view)`).
  awaitable<Response> send(const RequestView& request);
  awaitable<Response> get(std::string url, RequestOptions options = {});
  awaitable<Response> post(std::string url, RequestOptions options = {});
  awaitable<Response> put(std::string url, RequestOptions options = {});
  awaitable<Response> patch(std::string url, RequestOptions options = {});
  awaitable<Response> delete_(std::string url, RequestOptions options = {});
  awaitable<Response> head(std::string url, RequestOptions options = {});
  awaitable<Response> options(std::string url, RequestOptions options = {});

  /// Names this session's requests `name` until the guard goes; an explicit
  /// RequestOptions::name still wins:
  ///
  ///     auto renamed = client().rename_request("/item/[id]");
  ///     co_await client().get("/item/1");   // recorded as /item/[id]
  [[nodiscard]] RequestRename rename_request(std::string name);

  CookieJar& cookies();
  const SessionOptions& settings() const;
  /// TCP connections opened so far (keep-alive reuse keeps this low).
  std::uint64_t connections_opened() const;

 private:
  std::unique_ptr<SessionImpl> impl_;
};

}  // namespace cicada::http
