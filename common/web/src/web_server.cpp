#include "web_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <chrono>
#include <list>
#include <optional>
#include <stdexcept>
#include <thread>

#include "cicada/core/asio.hpp"
#include "cicada/core/base64.hpp"
#include "cicada/core/spawn.hpp"

namespace cicada::web {
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxBodyBytes = 1 << 20;     // forms and JSON, never uploads
constexpr std::chrono::seconds kIdleTimeout{120};  // a browser's keep-alive
constexpr auto kReadTimeout = std::chrono::seconds(30);

// Compares without stopping at the first difference, so the time taken says
// nothing about how much of a guess was right.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i)
    difference |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return difference == 0;
}

}  // namespace

struct WebServer::State {
  State(RequestHandler handler_, std::string base_path_)
      : handler(std::move(handler_)), base_path(std::move(base_path_)) {}

  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  RequestHandler handler;
  std::string base_path;
  std::thread thread;
  bool stopping = false;  // touched on the server's thread only
  std::list<beast::tcp_stream*> streams;
  std::string expected_authorization;     ///< "Basic <base64>", or "" for none
  std::optional<asio::ssl::context> tls;  ///< set: https only
};

namespace {

HttpReply route(WebServer::State& state, const http::request<http::string_body>& request) {
  if (!state.expected_authorization.empty()) {
    const auto given = request.find(http::field::authorization);
    if (given == request.end() ||
        !same_secret(std::string_view(given->value().data(), given->value().size()),
                     state.expected_authorization)) {
      HttpReply denied{
          401, "text/plain", "Unauthorized: this web UI needs a user and password", {}};
      denied.headers.emplace_back("WWW-Authenticate", "Basic realm=\"cicada\"");
      return denied;
    }
  }
  const std::string_view target(request.target().data(), request.target().size());
  const auto question = target.find('?');
  std::string_view path = target.substr(0, question);
  if (!state.base_path.empty()) {
    if (!path.starts_with(state.base_path)) return {404, "text/plain", "Not Found", {}};
    path.remove_prefix(state.base_path.size());
    if (!path.empty() && path.front() != '/') return {404, "text/plain", "Not Found", {}};
    if (path.empty()) path = "/";
  }
  HttpRequest parsed;
  parsed.method = std::string(request.method_string());
  parsed.path = std::string(path);
  if (question != std::string_view::npos) parsed.query = std::string(target.substr(question + 1));
  if (auto type = request.find(http::field::content_type); type != request.end())
    parsed.content_type = std::string(type->value());
  parsed.body = request.body();
  try {
    return state.handler(parsed);
  } catch (const std::exception& e) {
    // Locust answers a failing route with the error's text and status 500.
    return {500, "text/plain", e.what(), {}};
  }
}

http::response<http::string_body> to_response(HttpReply reply, unsigned version, bool keep_alive) {
  http::response<http::string_body> response{static_cast<http::status>(reply.status), version};
  response.set(http::field::server, "cicada");
  response.set(http::field::content_type, reply.content_type);
  response.set(http::field::access_control_allow_origin, "*");  // Locust enables CORS
  response.set(http::field::cache_control, "no-store");
  for (auto& [name, value] : reply.headers) response.set(name, value);
  response.body() = std::move(reply.body);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

// One connection's requests, on a plain or a TLS stream.
template <typename Stream>
awaitable<void> serve_stream(std::shared_ptr<WebServer::State> state, Stream& stream) {
  beast::tcp_stream& lowest = beast::get_lowest_layer(stream);
  beast::flat_buffer buffer;
  boost::system::error_code error;
  while (!state->stopping) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBodyBytes);
    lowest.expires_after(kIdleTimeout);
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(use_awaitable, error));
    if (!error) {
      lowest.expires_after(kReadTimeout);
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, error));
    }
    if (error == http::error::body_limit) {
      auto response = to_response({413, "text/plain", "request body over 1 MiB", {}}, 11, false);
      co_await http::async_write(stream, response, asio::redirect_error(use_awaitable, error));
      break;
    }
    if (error) {
      if (error != http::error::end_of_stream && error != beast::error::timeout &&
          error != asio::ssl::error::stream_truncated && error != asio::error::operation_aborted &&
          error != asio::error::connection_reset && error != asio::error::eof) {
        auto response =
            to_response({400, "text/plain", "bad request: " + error.message(), {}}, 11, false);
        co_await http::async_write(stream, response, asio::redirect_error(use_awaitable, error));
      }
      break;
    }
    const auto& request = parser.get();
    auto response = to_response(route(*state, request), request.version(), request.keep_alive());
    lowest.expires_after(kReadTimeout);
    co_await http::async_write(stream, response, asio::redirect_error(use_awaitable, error));
    if (error || !response.keep_alive()) break;
  }
}

awaitable<void> serve(std::shared_ptr<WebServer::State> state, tcp::socket socket) {
  beast::tcp_stream plain(std::move(socket));
  auto registration = state->streams.insert(state->streams.end(), &plain);
  boost::system::error_code error;
  if (state->tls) {
    beast::ssl_stream<beast::tcp_stream&> secure(plain, *state->tls);
    plain.expires_after(kReadTimeout);
    co_await secure.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(use_awaitable, error));
    if (!error) co_await serve_stream(state, secure);
  } else {
    co_await serve_stream(state, plain);
  }
  plain.socket().shutdown(tcp::socket::shutdown_both, error);
  plain.close();
  state->streams.erase(registration);
}

awaitable<void> accept_connections(std::shared_ptr<WebServer::State> state) {
  boost::system::error_code error;
  while (!state->stopping) {
    tcp::socket socket(state->io);
    co_await state->acceptor.async_accept(socket, asio::redirect_error(use_awaitable, error));
    if (error) {
      if (state->stopping || error == asio::error::operation_aborted) break;
      co_await asio::steady_timer(state->io, std::chrono::milliseconds(100))
          .async_wait(use_awaitable);  // out of descriptors: breathe, then keep serving
      continue;
    }
    spawn_logged(state->io.get_executor(), serve(state, std::move(socket)), "web connection");
  }
}

}  // namespace

WebServer::WebServer(RequestHandler handler, std::string base_path)
    : state_(std::make_shared<State>(std::move(handler), std::move(base_path))) {}

WebServer::~WebServer() {
  stop();
}

void WebServer::require_basic_auth(const std::string& credentials) {
  state_->expected_authorization = "Basic " + base64(credentials);
}

void WebServer::use_tls(const std::string& cert_file, const std::string& key_file) {
  auto& tls = state_->tls.emplace(asio::ssl::context::tls_server);
  tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1);
  boost::system::error_code error;
  tls.use_certificate_chain_file(cert_file, error);
  if (error) {
    state_->tls.reset();
    throw std::runtime_error("--tls-cert " + cert_file + ": " + error.message());
  }
  tls.use_private_key_file(key_file, asio::ssl::context::pem, error);
  if (error) {
    state_->tls.reset();
    throw std::runtime_error("--tls-key " + key_file + ": " + error.message());
  }
}

bool WebServer::tls() const {
  return state_->tls.has_value();
}

std::uint16_t WebServer::listen(const std::string& host, std::uint16_t port) {
  const std::string bind_host = host.empty() || host == "*" ? "0.0.0.0" : host;
  boost::system::error_code error;
  const auto address = asio::ip::make_address(bind_host, error);
  if (error) throw std::runtime_error("web UI: --web-host is not an IP address: " + host);
  const tcp::endpoint endpoint(address, port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    throw std::runtime_error("web UI: cannot listen on " + bind_host + ":" + std::to_string(port) +
                             ": " + error.message());
  }
  const std::uint16_t bound = acceptor.local_endpoint().port();
  spawn_logged(state_->io.get_executor(), accept_connections(state_), "web server");
  state_->thread = std::thread([state = state_] { state->io.run(); });
  return bound;
}

void WebServer::stop() {
  if (!state_->thread.joinable()) return;
  asio::post(state_->io, [state = state_] {
    state->stopping = true;
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    for (auto* stream : state->streams) stream->socket().close(ignored);
  });
  state_->thread.join();
}

}  // namespace cicada::web
