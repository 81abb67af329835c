// The convenient HTTP API (HttpSession) over the lean connection: request
// heads assembled into pooled buffers, cookies, redirects, catch_response.
#include "cicada/http/http_session.hpp"

#include <array>
#include <chrono>
#include <random>
#include <unordered_map>

#include "cicada/core/base64.hpp"
#include "cicada/core/clock.hpp"
#include "cicada/core/recently_interned.hpp"
#include "cicada/model/user.hpp"
#include "cicada/stats/stats_error.hpp"
#include "connection.hpp"
#include "content_decoding.hpp"
#include "exchange.hpp"
#include "url.hpp"

namespace cicada::http {

namespace {

// A request a stop cuts after waiting this long is recorded as a failure.
constexpr auto kStallRecordedAtStop = std::chrono::seconds(1);

std::chrono::steady_clock::duration steady(std::chrono::duration<double> d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
}

/// The reason phrase a server left out (RFC 9110's, as Python's http module has them).
std::string_view standard_reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

/// A boundary no part contains (python-requests uses 32 random hex digits too).
std::string multipart_boundary() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string boundary(32, '0');
  for (char& c : boundary) c = kHex[random() % 16];
  return boundary;
}

/// A multipart/form-data body: the form fields, then the files.
std::string multipart_body(const std::string& boundary, const Headers& fields,
                           const std::vector<FilePart>& files) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body.append("--").append(boundary).append("\r\n");
    body.append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n\r\n");
    body.append(value).append("\r\n");
  }
  for (const auto& file : files) {
    body.append("--").append(boundary).append("\r\n");
    body.append("Content-Disposition: form-data; name=\"")
        .append(file.field)
        .append("\"; filename=\"")
        .append(file.filename)
        .append("\"\r\n");
    if (!file.content_type.empty())
      body.append("Content-Type: ").append(file.content_type).append("\r\n");
    body.append("\r\n").append(file.content).append("\r\n");
  }
  body.append("--").append(boundary).append("--\r\n");
  return body;
}

bool has_header(const Headers* headers, std::string_view name) {
  if (headers == nullptr) return false;
  for (const auto& [key, value] : *headers) {
    if (detail::iequals(key, name)) return true;
  }
  return false;
}

/// Where a request goes: the parsed URL, and the texts derived from it once.
struct Endpoint {
  detail::Url url;
  std::string host_header;
  std::string origin;
  std::string authorization;  ///< from credentials in the URL, or ""

  static std::unique_ptr<Endpoint> parse(std::string_view text, std::string& error) {
    auto url = detail::parse_url(text, error);
    if (!url) return nullptr;
    auto endpoint = std::make_unique<Endpoint>(Endpoint{std::move(*url), "", "", ""});
    endpoint->host_header = endpoint->url.host_header();
    endpoint->origin = endpoint->url.origin();
    endpoint->authorization = detail::basic_authorization(endpoint->url.userinfo);
    return endpoint;
  }
};

/// A session's host, parsed once per host and thread and shared by every
/// user aimed at it (a user's memory is mostly what it does not share).
struct BaseEndpoint {
  std::unique_ptr<Endpoint> endpoint;  ///< null when the host is not a URL
  std::string path;  ///< Locust joins host and relative URL as text: the host's own path
};

std::shared_ptr<const BaseEndpoint> base_endpoint(const std::string& base_url) {
  thread_local std::unordered_map<std::string, std::shared_ptr<const BaseEndpoint>> cache;
  auto& cached = cache[base_url];
  if (cached) return cached;
  auto base = std::make_shared<BaseEndpoint>();
  std::string ignored;
  base->endpoint = Endpoint::parse(base_url, ignored);
  if (base->endpoint) {
    const auto authority = base_url.find("://") + 3;
    const auto path = base_url.find('/', authority);
    if (path != std::string::npos) base->path = base_url.substr(path);
  }
  cached = std::move(base);
  return cached;
}

/// What every session with equal options shares: the options, their host
/// parsed once, and the Authorization value. The users of one class build
/// equal options, so thousands of them hold one copy.
struct SharedSettings {
  SessionOptions options;
  std::shared_ptr<const BaseEndpoint> base;
  std::string authorization;  ///< "Basic ..." from options.auth, or ""
  detail::ConnectSettings connect;

  explicit SharedSettings(SessionOptions given)
      : options(std::move(given)),
        base(base_endpoint(options.base_url)),
        authorization(options.auth
                          ? "Basic " + base64(options.auth->username + ":" + options.auth->password)
                          : ""),
        connect{steady(options.connect_timeout), options.insecure, options.ca_file} {}
  bool operator==(const SharedSettings& other) const { return options == other.options; }
};

std::shared_ptr<const SharedSettings> shared_settings(SessionOptions options) {
  thread_local RecentlyInterned<SharedSettings> interned;
  return interned.intern(SharedSettings(std::move(options)));
}

}  // namespace

/// The connection and request logic behind HttpSession.
class SessionImpl final : private KillHook {
 public:
  SessionImpl(User& user, SessionOptions options)
      : user_(user), connection_(user.executor()), settings_(shared_settings(std::move(options))) {
    user_.add_kill_hook(*this);
  }
  ~SessionImpl() { user_.remove_kill_hook(*this); }

  awaitable<Response> request(std::string method, std::string url, RequestOptions options);
  awaitable<Response> send(const RequestView& request);

  CookieJar cookies_;
  const SessionOptions& options() const { return settings_->options; }
  // rename_request's name, while a guard lives (on the heap: most users never rename).
  std::unique_ptr<std::string> rename_;

  std::uint64_t connections_opened() const { return connection_.connections_opened(); }

 private:
  void on_kill() override { connection_.close(); }
  /// After a suspension: if the user was killed meanwhile, records a stalled
  /// request as a failure, then throws UserKilled.
  void end_if_killed(Response& response, std::chrono::steady_clock::time_point started);
  /// Decodes a gzip or deflate body; a body that does not decode fails the request.
  void decode_body(detail::Exchange& exchange) const;
  void write_head(detail::Exchange& exchange, std::string_view method, const Endpoint& endpoint,
                  const RequestView& request, std::string_view body, std::string_view content_type,
                  std::string_view authorization);

  /// What changes from hop to hop of one request (redirects).
  struct Hops {
    std::string_view method;
    std::string_view body;
    std::string_view content_type;
    bool follow = true;
    int redirects = 0;
    std::unique_ptr<Endpoint> first{};      ///< the first hop's endpoint when not the session's
    std::unique_ptr<Endpoint> elsewhere{};  ///< a redirect's endpoint
  };
  /// The Authorization value for the first hop, and the host it may go to:
  /// both view the request, the session or the first hop's endpoint.
  struct Credentials {
    std::string_view authorization;
    std::string_view host;
  };
  /// Where the request goes first (nullptr with the exchange's error set when nowhere),
  /// with the exchange's target, name and URL filled in.
  const Endpoint* first_hop(const RequestView& request, Response& response,
                            std::unique_ptr<Endpoint>& elsewhere) const;
  /// The Authorization value for the request's first host.
  Credentials credentials_for(const RequestView& request, const Endpoint& endpoint) const;
  /// Takes a response in (status, cookies); true when it redirects to another
  /// hop, which `hops` then describes.
  bool take_response(Response& response, const Endpoint& endpoint, Hops& hops);
  /// Decodes the body, sets the elapsed time and an HTTP error's text.
  void finish(Response& response, const Hops& hops, std::chrono::steady_clock::time_point started,
              std::optional<std::int64_t> arrived_realtime_ns) const;

  User& user_;
  detail::Connection connection_;
  std::shared_ptr<const SharedSettings> settings_;
};

void SessionImpl::decode_body(detail::Exchange& exchange) const {
  for (const auto& span : exchange.parser.headers()) {
    const std::string_view name = exchange.buffer.view(span.name_at, span.name_size);
    if (!detail::iequals(name, "content-encoding")) continue;
    const std::string_view encoding = exchange.buffer.view(span.value_at, span.value_size);
    if (!detail::is_decodable_encoding(encoding)) return;
    std::string error =
        detail::decode_content(encoding, exchange.parser.body(exchange.buffer),
                               options().max_body_bytes, exchange.rare_part().decoded_body);
    if (error.empty()) {
      exchange.body_is_decoded = true;
    } else if (exchange.error.empty()) {
      exchange.error = std::move(error);
    }
    return;
  }
}

void SessionImpl::write_head(detail::Exchange& exchange, std::string_view method,
                             const Endpoint& endpoint, const RequestView& request,
                             std::string_view body, std::string_view content_type,
                             std::string_view authorization) {
  std::string& head = exchange.request_head;
  head.clear();
  head.append(method).append(" ").append(exchange.target).append(" HTTP/1.1\r\n");
  const Headers* headers = request.headers;
  if (!has_header(headers, "host"))
    head.append("Host: ").append(endpoint.host_header).append("\r\n");
  if (!has_header(headers, "user-agent"))
    head.append("User-Agent: ").append(options().user_agent).append("\r\n");
  if (!has_header(headers, "accept")) head.append("Accept: */*\r\n");
  // As python-requests: compressed answers are welcome, and decoded on arrival.
  if (!has_header(headers, "accept-encoding")) head.append("Accept-Encoding: gzip, deflate\r\n");
  if (!authorization.empty() && !has_header(headers, "authorization"))
    head.append("Authorization: ").append(authorization).append("\r\n");
  if (!content_type.empty() && !has_header(headers, "content-type"))
    head.append("Content-Type: ").append(content_type).append("\r\n");
  if (headers != nullptr) {
    for (const auto& [name, value] : *headers) {
      if (detail::iequals(name, "content-length")) continue;  // we frame the body ourselves
      head.append(name).append(": ").append(value).append("\r\n");
    }
  }
  if (cookies_.size() > 0 && !has_header(headers, "cookie")) {
    const std::string_view target(exchange.target);
    const std::string cookie =
        cookies_.header_for(endpoint.url.host, std::string(target.substr(0, target.find('?'))));
    if (!cookie.empty()) head.append("Cookie: ").append(cookie).append("\r\n");
  }
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    std::array<char, 24> digits{};
    const int length = std::snprintf(digits.data(), digits.size(), "%zu", body.size());
    head.append("Content-Length: ")
        .append(digits.data(), static_cast<std::size_t>(length))
        .append("\r\n");
  }
  head.append("\r\n");
}

void SessionImpl::end_if_killed(Response& response, std::chrono::steady_clock::time_point started) {
  if (!user_.kill_pending()) return;
  detail::Exchange& exchange = *response.exchange_;
  // A request cut short by a stop is not recorded (Locust's count), unless it
  // had waited long enough to be a stall: then the numbers must show it.
  const auto waited = std::chrono::steady_clock::now() - started;
  if (waited >= kStallRecordedAtStop) {
    exchange.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(waited);
    exchange.status = 0;
    exchange.error = "StoppedWhileWaiting(" +
                     stats::python_repr("no response after " + detail::seconds_text(waited) +
                                        " s when the user was stopped") +
                     ")";
    exchange.pending = true;
    response.report();
  }
  user_.throw_if_killed();
}

// send() is a coroutine: every local it has lives in its frame, one frame per
// request in flight. The work between suspensions is in plain functions, so
// the frame holds only what crosses a co_await.

const Endpoint* SessionImpl::first_hop(const RequestView& request, Response& response,
                                       std::unique_ptr<Endpoint>& elsewhere) const {
  detail::Exchange& exchange = *response.exchange_;
  // Relative URLs join the session's host as text, as in Locust. Other hosts
  // (absolute URLs, redirects) are parsed onto the heap.
  const Endpoint* endpoint = nullptr;
  std::string parse_error;
  if (request.url.find("://") == std::string_view::npos) {
    if (settings_->base->endpoint) {
      endpoint = settings_->base->endpoint.get();
      exchange.target.assign(settings_->base->path).append(request.url);
      if (exchange.target.empty() || exchange.target.front() != '/') exchange.target.insert(0, "/");
    } else {
      parse_error = options().base_url.empty() ? "no host to send " + std::string(request.url) +
                                                     " to: set --host or the user class's host"
                                               : "bad host " + options().base_url;
    }
  } else {
    elsewhere = Endpoint::parse(request.url, parse_error);
    if (elsewhere) {
      endpoint = elsewhere.get();
      exchange.target.assign(elsewhere->url.target);
    }
  }
  const std::string_view default_name =
      rename_ ? std::string_view(*rename_)
              : (endpoint != nullptr ? std::string_view(exchange.target) : request.url);
  if (request.context != nullptr) exchange.rare_part().context = *request.context;
  exchange.name.assign(request.name.empty() ? default_name : request.name);
  if (endpoint != nullptr) {
    exchange.url.assign(endpoint->url.scheme)
        .append("://")
        .append(endpoint->host_header)
        .append(exchange.target);
  } else {
    exchange.url.assign(request.url);
    exchange.error = "InvalidURL(" + stats::python_repr(parse_error) + ")";
  }
  return endpoint;
}

SessionImpl::Credentials SessionImpl::credentials_for(const RequestView& request,
                                                      const Endpoint& endpoint) const {
  // The request's, else the session's, else the URL's own; sent to the first
  // host only (python-requests drops them when a redirect leads elsewhere).
  std::string_view authorization = !request.authorization.empty()
                                       ? request.authorization
                                       : std::string_view(settings_->authorization);
  if (authorization.empty()) authorization = endpoint.authorization;
  return {authorization, endpoint.url.host};
}

bool SessionImpl::take_response(Response& response, const Endpoint& endpoint, Hops& hops) {
  detail::Exchange& exchange = *response.exchange_;
  exchange.status = exchange.parser.status();
  exchange.url.assign(endpoint.url.scheme)
      .append("://")
      .append(endpoint.host_header)
      .append(exchange.target);
  std::optional<std::string_view> location;
  for (const auto& span : exchange.parser.headers()) {
    const std::string_view name = exchange.buffer.view(span.name_at, span.name_size);
    const std::string_view value = exchange.buffer.view(span.value_at, span.value_size);
    if (detail::iequals(name, "set-cookie")) cookies_.set(endpoint.url.host, std::string(value));
    if (!location && detail::iequals(name, "location")) location = value;
  }

  const int status = exchange.status;
  const bool is_redirect =
      status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  if (!hops.follow || !is_redirect || !location) return false;
  if (++hops.redirects > options().max_redirects) {
    exchange.error =
        "TooManyRedirects(" +
        stats::python_repr("Exceeded " + std::to_string(options().max_redirects) + " redirects.") +
        ")";
    return false;
  }
  // Browsers and python-requests turn a redirected POST into a GET (not for 307/308).
  if (status == 303 ? hops.method != "HEAD"
                    : ((status == 301 || status == 302) && hops.method == "POST")) {
    hops.method = "GET";
    hops.body = {};
    hops.content_type = {};
  }
  // The Location view dies with the next response: resolve it first.
  std::string parse_error;
  hops.elsewhere = Endpoint::parse(detail::resolve_location(endpoint.url, *location), parse_error);
  if (!hops.elsewhere) {
    exchange.error = "InvalidURL(" + stats::python_repr(parse_error) + ")";
    return false;
  }
  exchange.target.assign(hops.elsewhere->url.target);
  return true;
}

void SessionImpl::finish(Response& response, const Hops& hops,
                         std::chrono::steady_clock::time_point started,
                         std::optional<std::int64_t> arrived_realtime_ns) const {
  detail::Exchange& exchange = *response.exchange_;
  if (exchange.status > 0 && hops.method != "HEAD") decode_body(exchange);
  auto elapsed = std::chrono::steady_clock::now() - started;
  // Leave out how long the response sat in the socket while this loop served
  // other users: with many responses arriving at once, the last one read
  // would otherwise count the others' processing as the server's latency.
  // Only a plausible lag is taken (a wall-clock step makes it implausible).
  if (arrived_realtime_ns) {
    const std::chrono::nanoseconds lag(detail::realtime_ns() - *arrived_realtime_ns);
    if (lag.count() > 0 && lag < elapsed) elapsed -= lag;
  }
  exchange.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
  if (exchange.error.empty() && exchange.status >= 400) {
    const char* kind = exchange.status < 500 ? "Client Error" : "Server Error";
    std::string_view reason = response.reason();
    if (reason.empty()) reason = standard_reason(exchange.status);
    // Locust 2.46 names the stats row instead of the URL, so failures group by name.
    exchange.error = "HTTPError(" +
                     stats::python_repr(std::to_string(exchange.status) + " " + kind + ": " +
                                        std::string(reason) + " for url: " + exchange.name) +
                     ")";
  }
  exchange.pending = true;
}

awaitable<Response> SessionImpl::send(const RequestView& request) {
  const auto started = std::chrono::steady_clock::now();
  Response response;
  response.exchange_.reset(detail::acquire_exchange().release());
  detail::Exchange& exchange = *response.exchange_;
  exchange.user = &user_;
  exchange.start_time = wall_seconds();
  exchange.method.assign(request.method);

  Hops hops{.method = request.method,
            .body = request.body,
            .content_type = request.content_type,
            .follow = request.allow_redirects.value_or(options().follow_redirects)};
  // The first endpoint outlives the redirects: the credentials view it.
  const Endpoint* endpoint = first_hop(request, response, hops.first);
  const Credentials credentials =
      endpoint != nullptr ? credentials_for(request, *endpoint) : Credentials{};
  const auto timeout = steady(request.timeout.value_or(options().network_timeout));
  detail::ExchangeOutcome& outcome = exchange.outcome;
  std::optional<std::int64_t> arrived_realtime_ns;  // the last hop's, when the kernel said

  while (endpoint != nullptr) {
    const bool authorized =
        !credentials.authorization.empty() && endpoint->url.host == credentials.host;
    write_head(exchange, hops.method, *endpoint, request, hops.body, hops.content_type,
               authorized ? credentials.authorization : std::string_view{});
    exchange.request_bytes = {asio::buffer(exchange.request_head),
                              asio::buffer(hops.body.data(), hops.body.size())};

    for (int round = 0; round < 2; ++round) {
      const bool reused = connection_.is_open_to(endpoint->origin);
      if (!reused) {
        co_await connection_.connect(endpoint->url, settings_->connect, &exchange.error);
        end_if_killed(response, started);
        if (!exchange.error.empty()) break;
      }
      exchange.parser.reset(hops.method == "HEAD", options().max_body_bytes);
      if (connection_.is_tls()) {
        co_await connection_.exchange_tls(exchange.request_bytes, &exchange, timeout, reused);
      } else {
        co_await connection_.exchange_plain(exchange.request_bytes, &exchange, timeout, reused);
      }
      end_if_killed(response, started);
      if (exchange.error.empty() || !outcome.retryable) break;
      exchange.error.clear();
      connection_.close();  // stale keep-alive connection: try once more on a new one
    }
    if (!exchange.error.empty()) {
      connection_.close();
      exchange.status = 0;
      break;
    }
    if (!outcome.keep_alive) connection_.close();
    arrived_realtime_ns = outcome.arrived_realtime_ns;
    if (!take_response(response, *endpoint, hops)) break;
    endpoint = hops.elsewhere.get();
  }

  finish(response, hops, started, arrived_realtime_ns);
  if (!request.catch_response) response.report();
  co_return response;
}

awaitable<Response> SessionImpl::request(std::string method, std::string url,
                                         RequestOptions options) {
  // Locust adds query parameters to the URL, and encodes form bodies.
  if (!options.query.empty()) {
    std::string encoded;
    for (const auto& [key, value] : options.query) {
      encoded += (encoded.empty() ? "" : "&") + detail::form_encode(key) + "=" +
                 detail::form_encode(value);
    }
    url += (url.find('?') == std::string::npos ? "?" : "&") + encoded;
  }
  std::string body;
  std::string_view content_type;
  std::string multipart_type;
  if (!options.files.empty()) {
    const std::string boundary = multipart_boundary();
    body = multipart_body(boundary, options.form, options.files);
    multipart_type = "multipart/form-data; boundary=" + boundary;
    content_type = multipart_type;
  } else if (options.json) {
    body = std::move(*options.json);
    content_type = "application/json";
  } else if (!options.form.empty()) {
    for (const auto& [key, value] : options.form) {
      body +=
          (body.empty() ? "" : "&") + detail::form_encode(key) + "=" + detail::form_encode(value);
    }
    content_type = "application/x-www-form-urlencoded";
  } else if (options.body) {
    body = std::move(*options.body);
  }
  RequestView view;
  view.method = method;
  view.url = url;
  if (options.name) view.name = *options.name;
  view.headers = &options.headers;
  view.body = body;
  view.content_type = content_type;
  std::string authorization;
  if (options.auth) {
    authorization = "Basic " + base64(options.auth->username + ":" + options.auth->password);
    view.authorization = authorization;
  }
  view.catch_response = options.catch_response;
  if (!options.context.empty()) view.context = &options.context;
  view.allow_redirects = options.allow_redirects;
  view.timeout = options.timeout;
  Response response = co_await send(view);
  co_return response;
}

HttpSession::HttpSession(User& user, SessionOptions options)
    : impl_(std::make_unique<SessionImpl>(user, std::move(options))) {}

HttpSession::~HttpSession() = default;

awaitable<Response> HttpSession::request(std::string method, std::string url,
                                         RequestOptions options) {
  return impl_->request(std::move(method), std::move(url), std::move(options));
}
awaitable<Response> HttpSession::send(const RequestView& request) {
  return impl_->send(request);
}
RequestRename::RequestRename(SessionImpl* session, std::unique_ptr<std::string> previous)
    : session_(session), previous_(std::move(previous)) {}

RequestRename::RequestRename(RequestRename&& other) noexcept
    : session_(std::exchange(other.session_, nullptr)), previous_(std::move(other.previous_)) {}

RequestRename::~RequestRename() {
  if (session_ != nullptr) session_->rename_ = std::move(previous_);
}

RequestRename HttpSession::rename_request(std::string name) {
  RequestRename guard(impl_.get(), std::move(impl_->rename_));
  impl_->rename_ = std::make_unique<std::string>(std::move(name));
  return guard;
}

awaitable<Response> HttpSession::get(std::string url, RequestOptions options) {
  return impl_->request("GET", std::move(url), std::move(options));
}
awaitable<Response> HttpSession::post(std::string url, RequestOptions options) {
  return impl_->request("POST", std::move(url), std::move(options));
}
awaitable<Response> HttpSession::put(std::string url, RequestOptions options) {
  return impl_->request("PUT", std::move(url), std::move(options));
}
awaitable<Response> HttpSession::patch(std::string url, RequestOptions options) {
  return impl_->request("PATCH", std::move(url), std::move(options));
}
awaitable<Response> HttpSession::delete_(std::string url, RequestOptions options) {
  return impl_->request("DELETE", std::move(url), std::move(options));
}
awaitable<Response> HttpSession::head(std::string url, RequestOptions options) {
  return impl_->request("HEAD", std::move(url), std::move(options));
}
awaitable<Response> HttpSession::options(std::string url, RequestOptions options) {
  return impl_->request("OPTIONS", std::move(url), std::move(options));
}

CookieJar& HttpSession::cookies() {
  return impl_->cookies_;
}
const SessionOptions& HttpSession::settings() const {
  return impl_->options();
}
std::uint64_t HttpSession::connections_opened() const {
  return impl_->connections_opened();
}

}  // namespace cicada::http
