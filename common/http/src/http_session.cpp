// The HTTP client: the only translation unit (with beast_impl.cpp) that
// instantiates Beast, so its compile cost is paid once.
#include "cicada/http/http_session.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <limits>
#include <map>
#include <mutex>

#include "cicada/model/user.hpp"
#include "cicada/stats/stats_error.hpp"
#include "url.hpp"

namespace cicada::http {
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string seconds_text(std::chrono::duration<double> d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", d.count());
  return text;
}

// One TLS client context per trust configuration: loading CA stores is slow,
// and every user's session can share it.
std::shared_ptr<ssl::context> tls_context(bool insecure, const std::string& ca_file,
                                          std::string& error) {
  static std::mutex mutex;
  static std::map<std::pair<bool, std::string>, std::shared_ptr<ssl::context>> contexts;
  std::lock_guard lock(mutex);
  auto& context = contexts[{insecure, ca_file}];
  if (context) return context;
  auto created = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  if (insecure) {
    created->set_verify_mode(ssl::verify_none, ec);
  } else {
    created->set_verify_mode(ssl::verify_peer, ec);
    if (ca_file.empty()) {
      created->set_default_verify_paths(ec);
    } else {
      created->load_verify_file(ca_file, ec);
    }
  }
  if (ec) {
    error = "SSLError('cannot load CA certificates" + (ca_file.empty() ? "" : " from " + ca_file) +
            ": " + ec.message() + "')";
    return nullptr;
  }
  context = std::move(created);
  return context;
}

}  // namespace

/// The connection and request logic behind HttpSession.
class SessionImpl {
 public:
  SessionImpl(User& user, SessionOptions options)
      : options_(std::move(options)), user_(user), resolver_(user.executor()) {
    kill_hook_ = user_.on_kill([this] { close(); });
  }
  ~SessionImpl() {
    user_.remove_on_kill(kill_hook_);
    close();
  }

  awaitable<Response> request(std::string method, std::string url, RequestOptions options);

  CookieJar cookies_;
  SessionOptions options_;
  std::uint64_t connections_opened_ = 0;

 private:
  struct Attempt {
    bhttp::response<bhttp::string_body> response;
    std::string error;       // transport failure text; empty when a response arrived
    bool retryable = false;  // failed on a reused connection before any response byte
  };

  void close() {
    boost::system::error_code ignored;
    if (tls_) tls_->next_layer().socket().close(ignored);
    if (plain_) plain_->socket().close(ignored);
    tls_.reset();
    plain_.reset();
    connection_origin_.clear();
  }

  awaitable<std::string> connect(const detail::Url& url);
  awaitable<Attempt> exchange(const detail::Url& url, bhttp::request<bhttp::string_body>& request,
                              std::chrono::duration<double> timeout, bool reused);
  template <typename Stream>
  awaitable<Attempt> exchange_on(Stream& stream, bhttp::request<bhttp::string_body>& request,
                                 bool reused);

  std::string read_error_text(const boost::system::error_code& error,
                              const bhttp::response_parser<bhttp::string_body>& parser) const;

  User& user_;
  tcp::resolver resolver_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  std::string connection_origin_;
  beast::flat_buffer buffer_;
  std::chrono::duration<double> current_timeout_{60};
  std::size_t kill_hook_ = 0;
};

awaitable<std::string> SessionImpl::connect(const detail::Url& url) {
  close();
  boost::system::error_code error;
  const auto endpoints = co_await resolver_.async_resolve(
      url.host, url.port, asio::redirect_error(use_awaitable, error));
  user_.throw_if_killed();
  if (error)
    co_return "NameResolutionError(" +
        stats::python_repr("cannot resolve " + url.host + ": " + error.message()) + ")";

  beast::tcp_stream stream(user_.executor());
  stream.expires_after(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.connect_timeout));
  co_await stream.async_connect(endpoints, asio::redirect_error(use_awaitable, error));
  user_.throw_if_killed();
  if (error == beast::error::timeout) {
    co_return "ConnectTimeout(" +
        stats::python_repr("connecting to " + url.host + ":" + url.port + " timed out after " +
                           seconds_text(options_.connect_timeout) + " s") +
        ")";
  }
  if (error == asio::error::connection_refused)
    co_return "ConnectionRefusedError(111, 'Connection refused')";
  if (error)
    co_return "ConnectionError(" +
        stats::python_repr(url.host + ":" + url.port + ": " + error.message()) + ")";
  stream.socket().set_option(tcp::no_delay(true), error);
  ++connections_opened_;

  if (url.scheme == "https") {
    std::string context_error;
    auto context = tls_context(options_.insecure, options_.ca_file, context_error);
    if (!context) co_return context_error;
    tls_.emplace(std::move(stream), *context);
    // SSL_set_tlsext_host_name is a macro with a C cast; call what it expands to.
    if (SSL_ctrl(tls_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(url.host.c_str())) != 1) {
      close();
      co_return "SSLError('cannot set the TLS server name')";
    }
    if (!options_.insecure) tls_->set_verify_callback(ssl::host_name_verification(url.host));
    tls_->next_layer().expires_after(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(options_.connect_timeout));
    co_await tls_->async_handshake(ssl::stream_base::client,
                                   asio::redirect_error(use_awaitable, error));
    user_.throw_if_killed();
    if (error) {
      std::string reason = error.message();
      if (error.category() == asio::error::get_ssl_category()) {
        const long verify = SSL_get_verify_result(tls_->native_handle());
        if (verify != X509_V_OK)
          reason =
              std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
      }
      close();
      co_return "SSLError(" + stats::python_repr(reason) + ")";
    }
  } else {
    plain_.emplace(std::move(stream));
  }
  connection_origin_ = url.origin();
  co_return std::string();
}

std::string SessionImpl::read_error_text(
    const boost::system::error_code& error,
    const bhttp::response_parser<bhttp::string_body>& parser) const {
  if (error == beast::error::timeout) {
    return "ReadTimeout(" +
           stats::python_repr("no response within " + seconds_text(current_timeout_) + " s") + ")";
  }
  if (error == bhttp::error::body_limit) {
    return "ResponseTooLarge(" +
           stats::python_repr("body larger than " + std::to_string(options_.max_body_bytes) +
                              " bytes") +
           ")";
  }
  if (parser.is_header_done() &&
      (error == bhttp::error::end_of_stream || error == bhttp::error::partial_message ||
       error == asio::error::connection_reset || error == asio::error::eof)) {
    const std::size_t got = parser.get().body().size();
    const auto expected = parser.content_length();
    if (expected) {
      return "IncompleteRead(" + std::to_string(got) + " bytes read, " +
             std::to_string(*expected - got) + " more expected)";
    }
    return "IncompleteRead(" + std::to_string(got) + " bytes read)";
  }
  if (error == bhttp::error::end_of_stream || error == asio::error::eof) {
    return "RemoteDisconnected('Remote end closed connection without response')";
  }
  if (error == asio::error::connection_reset)
    return "ConnectionResetError(104, 'Connection reset by peer')";
  if (error.category() == bhttp::make_error_code(bhttp::error::bad_version).category()) {
    return "BadStatusLine(" + stats::python_repr("malformed HTTP response: " + error.message()) +
           ")";
  }
  return "ConnectionError(" + stats::python_repr(error.message()) + ")";
}

template <typename Stream>
awaitable<SessionImpl::Attempt> SessionImpl::exchange_on(
    Stream& stream, bhttp::request<bhttp::string_body>& request, bool reused) {
  Attempt attempt;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const auto timeout =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(current_timeout_);
  boost::system::error_code error;
  tcp_layer.expires_after(timeout);
  co_await bhttp::async_write(stream, request, asio::redirect_error(use_awaitable, error));
  user_.throw_if_killed();
  if (error) {
    attempt.retryable = reused && error != beast::error::timeout;
    attempt.error =
        error == beast::error::timeout
            ? "WriteTimeout(" +
                  stats::python_repr("request not sent within " + seconds_text(current_timeout_) +
                                     " s") +
                  ")"
            : "ConnectionError(" + stats::python_repr("sending failed: " + error.message()) + ")";
    co_return attempt;
  }
  bhttp::response_parser<bhttp::string_body> parser;
  // Beast 1.74's body_limit is not enforced for responses, so we check the
  // size ourselves: from Content-Length before reading, and while reading.
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (request.method() == bhttp::verb::head) parser.skip(true);
  tcp_layer.expires_after(timeout);
  co_await bhttp::async_read_header(stream, buffer_, parser,
                                    asio::redirect_error(use_awaitable, error));
  user_.throw_if_killed();
  const auto too_large = [&] {
    return (parser.content_length() && *parser.content_length() > options_.max_body_bytes) ||
           parser.get().body().size() > options_.max_body_bytes;
  };
  while (!error && !parser.is_done() && !too_large()) {
    tcp_layer.expires_after(timeout);
    co_await bhttp::async_read_some(stream, buffer_, parser,
                                    asio::redirect_error(use_awaitable, error));
    user_.throw_if_killed();
  }
  if (!error && too_large()) error = bhttp::error::body_limit;
  if (error) {
    // A kept-alive connection the server closed meanwhile fails before any
    // byte of the response: worth one retry on a fresh connection.
    attempt.retryable = reused && !parser.got_some() &&
                        (error == bhttp::error::end_of_stream ||
                         error == asio::error::connection_reset || error == asio::error::eof);
    attempt.error = read_error_text(error, parser);
    co_return attempt;
  }
  attempt.response = parser.release();
  co_return attempt;
}

awaitable<SessionImpl::Attempt> SessionImpl::exchange(const detail::Url& url,
                                                      bhttp::request<bhttp::string_body>& request,
                                                      std::chrono::duration<double> timeout,
                                                      bool reused) {
  current_timeout_ = timeout;
  if (tls_) {
    Attempt attempt = co_await exchange_on(*tls_, request, reused);
    co_return attempt;
  }
  Attempt attempt = co_await exchange_on(*plain_, request, reused);
  (void)url;
  co_return attempt;
}

awaitable<Response> SessionImpl::request(std::string method, std::string url,
                                         RequestOptions options) {
  const double start_wall = wall_seconds();
  const auto started = std::chrono::steady_clock::now();

  // Locust concatenates relative URLs to the host, and adds query parameters.
  std::string full_url = url.find("://") == std::string::npos ? options_.base_url + url : url;
  if (!options.query.empty()) {
    std::string encoded;
    for (const auto& [key, value] : options.query) {
      encoded += (encoded.empty() ? "" : "&") + detail::form_encode(key) + "=" +
                 detail::form_encode(value);
    }
    full_url += (full_url.find('?') == std::string::npos ? "?" : "&") + encoded;
  }

  Response response;
  response.user_ = &user_;
  response.method_ = method;
  response.start_time_ = start_wall;
  response.url_ = full_url;

  std::string parse_error;
  auto parsed = detail::parse_url(full_url, parse_error);
  if (parsed) {
    response.name_ = options.name.value_or(parsed->target);
  } else {
    response.name_ = options.name.value_or(url);
    if (options_.base_url.empty() && url.find("://") == std::string::npos) {
      parse_error = "no host to send " + url + " to: set --host or the user class's host";
    }
    response.error_ = "InvalidURL(" + stats::python_repr(parse_error) + ")";
  }

  std::string body;
  std::string content_type;
  if (options.json) {
    body = *options.json;
    content_type = "application/json";
  } else if (!options.form.empty()) {
    for (const auto& [key, value] : options.form) {
      body +=
          (body.empty() ? "" : "&") + detail::form_encode(key) + "=" + detail::form_encode(value);
    }
    content_type = "application/x-www-form-urlencoded";
  } else if (options.body) {
    body = *options.body;
  }

  const bool follow = options.allow_redirects.value_or(options_.follow_redirects);
  const auto timeout = options.timeout.value_or(options_.network_timeout);
  int redirects = 0;
  std::string current_method = method;

  while (parsed) {
    bhttp::request<bhttp::string_body> request;
    request.version(11);
    request.method_string(current_method);
    request.target(parsed->target);
    request.set(bhttp::field::host, parsed->host_header());
    request.set(bhttp::field::user_agent, options_.user_agent);
    request.set(bhttp::field::accept, "*/*");
    if (!content_type.empty()) request.set(bhttp::field::content_type, content_type);
    for (const auto& [name, value] : options.headers) request.set(name, value);
    const std::string path = parsed->target.substr(0, parsed->target.find('?'));
    const std::string cookie = cookies_.header_for(parsed->host, path);
    if (!cookie.empty() &&
        options.headers.end() ==
            std::find_if(options.headers.begin(), options.headers.end(),
                         [](const auto& h) { return beast::iequals(h.first, "cookie"); })) {
      request.set(bhttp::field::cookie, cookie);
    }
    if (!body.empty() || current_method == "POST" || current_method == "PUT" ||
        current_method == "PATCH") {
      request.body() = body;
    }
    request.keep_alive(true);
    request.prepare_payload();

    Attempt attempt;
    for (int round = 0; round < 2; ++round) {
      const bool reused = connection_origin_ == parsed->origin();
      if (!reused) {
        const std::string connect_error = co_await connect(*parsed);
        if (!connect_error.empty()) {
          attempt.error = connect_error;
          break;
        }
      }
      attempt = co_await exchange(*parsed, request, timeout, reused);
      if (attempt.error.empty() || !attempt.retryable) break;
      close();  // stale keep-alive connection: try once more on a new one
    }
    if (!attempt.error.empty()) {
      close();
      response.error_ = attempt.error;
      break;
    }

    auto& received = attempt.response;
    response.status_ = static_cast<int>(received.result_int());
    response.reason_ = std::string(received.reason());
    if (response.reason_.empty())
      response.reason_ = std::string(bhttp::obsolete_reason(received.result()));
    response.headers_.clear();
    for (const auto& field : received) {
      response.headers_.emplace_back(std::string(field.name_string()), std::string(field.value()));
      if (field.name() == bhttp::field::set_cookie)
        cookies_.set(parsed->host, std::string(field.value()));
    }
    response.body_ = std::move(received.body());
    response.url_ = parsed->scheme + "://" + parsed->host_header() + parsed->target;
    if (!received.keep_alive()) close();

    const int status = response.status_;
    const bool is_redirect =
        status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    const auto location = received.find(bhttp::field::location);
    if (!follow || !is_redirect || location == received.end()) break;
    if (++redirects > options_.max_redirects) {
      response.error_ =
          "TooManyRedirects(" +
          stats::python_repr("Exceeded " + std::to_string(options_.max_redirects) + " redirects.") +
          ")";
      break;
    }
    // Browsers and python-requests turn a redirected POST into a GET (not for 307/308).
    if (status == 303 ? current_method != "HEAD"
                      : ((status == 301 || status == 302) && current_method == "POST")) {
      current_method = "GET";
      body.clear();
      content_type.clear();
    }
    const std::string next = detail::resolve_location(
        *parsed, std::string_view(location->value().data(), location->value().size()));
    parsed = detail::parse_url(next, parse_error);
    if (!parsed) response.error_ = "InvalidURL(" + stats::python_repr(parse_error) + ")";
  }

  response.elapsed_ = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  if (response.error_.empty() && response.status_ >= 400) {
    const char* kind = response.status_ < 500 ? "Client Error" : "Server Error";
    // Locust 2.46 names the stats row instead of the URL, so failures group by name.
    response.error_ = "HTTPError(" +
                      stats::python_repr(std::to_string(response.status_) + " " + kind + ": " +
                                         response.reason_ + " for url: " + response.name_) +
                      ")";
  }
  response.pending_ = true;
  if (!options.catch_response) response.report();
  co_return response;
}

HttpSession::HttpSession(User& user, SessionOptions options)
    : impl_(std::make_unique<SessionImpl>(user, std::move(options))) {}

HttpSession::~HttpSession() = default;

awaitable<Response> HttpSession::request(std::string method, std::string url,
                                         RequestOptions options) {
  return impl_->request(std::move(method), std::move(url), std::move(options));
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
  return impl_->options_;
}
std::uint64_t HttpSession::connections_opened() const {
  return impl_->connections_opened_;
}

}  // namespace cicada::http
