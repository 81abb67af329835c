#include "cicada/target/target_server.hpp"

#include <zlib.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <list>
#include <stdexcept>
#include <utility>
#include <vector>

#include "cicada/core/base64.hpp"
#include "cicada/core/spawn.hpp"

namespace cicada::target {
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

Query parse_query(std::string_view query) {
  Query pairs;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    const auto eq = part.find('=');
    if (!part.empty()) {
      pairs.emplace_back(percent_decode(part.substr(0, eq)),
                         eq == std::string_view::npos ? "" : percent_decode(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return pairs;
}

std::string query_value(const Query& query, const std::string& key, std::string fallback = "") {
  for (const auto& [k, v] : query) {
    if (k == key) return v;
  }
  return fallback;
}

constexpr const char* kJsonDocument =
    R"({"token": "abc123", "items": [{"id": 1}, {"id": 2}], "ok": true})";

/// `text` compressed as gzip, zlib-wrapped deflate, or raw deflate.
std::string compress(std::string_view text, const std::string& encoding) {
  const int window_bits = encoding == "gzip" ? 15 + 16 : encoding == "deflate" ? 15 : -15;
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(text.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

long long number(const std::string& text, long long fallback) {
  try {
    return text.empty() ? fallback : std::stoll(text);
  } catch (const std::exception&) {
    return fallback;
  }
}

// {"count": N, "p50_us": .., "p99_us": .., "max_us": ..} of the samples (nearest rank).
std::string lateness_json(std::vector<std::int64_t> samples) {
  if (samples.empty()) return R"({"count": 0})";
  std::sort(samples.begin(), samples.end());
  const auto rank = [&](double q) {
    const auto index = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
    return samples[std::clamp<std::size_t>(index, 1, samples.size()) - 1];
  };
  return "{\"count\": " + std::to_string(samples.size()) +
         ", \"p50_us\": " + std::to_string(rank(0.50)) +
         ", \"p99_us\": " + std::to_string(rank(0.99)) +
         ", \"max_us\": " + std::to_string(samples.back()) + "}";
}

constexpr std::size_t kMaxLatenessSamples = 10'000'000;

}  // namespace

struct TargetServer::Impl {
  explicit Impl(asio::io_context& context) : io(context), acceptor(context) {}

  asio::io_context& io;
  tcp::acceptor acceptor;
  std::map<std::string, std::int64_t> counts;
  std::int64_t total = 0;
  // How late each /delay answer was ready, in microseconds: the truth a
  // generator's latency figures are compared against (bench/timing_accuracy.sh).
  std::vector<std::int64_t> lateness_us;
  bool stall_armed = true;  ///< /stall-once stalls the next request
  bool stopped = false;
  std::list<beast::tcp_stream*> open_streams;
};

namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

enum class Action { kRespond, kClose, kTruncate, kGarbage, kReset, kEndless };

struct Routed {
  Action action = Action::kRespond;
  Response response;
  std::chrono::milliseconds delay{0};
};

Routed route(TargetServer::Impl& server, const Request& request) {
  const std::string_view target(request.target().data(), request.target().size());
  const auto question = target.find('?');
  const std::string path(target.substr(0, question));
  const Query query =
      question == std::string_view::npos ? Query{} : parse_query(target.substr(question + 1));
  const std::string method(request.method_string());
  ++server.counts[method + " " + path];
  ++server.total;

  Routed routed;
  Response& response = routed.response;
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  response.result(http::status::ok);
  response.set(http::field::server, "cicada-target");
  response.set(http::field::content_type, "text/plain");

  if (path == "/") {
    response.body() = "ok";
  } else if (path == "/bytes") {
    response.body() = std::string(
        static_cast<std::size_t>(std::clamp(number(query_value(query, "n"), 100), 0LL, 64LL << 20)),
        'x');
  } else if (path == "/echo") {
    response.body() = request.body();
    response.set("X-Echo-Method", method);
    response.set("X-Echo-Query", question == std::string_view::npos
                                     ? ""
                                     : std::string(target.substr(question + 1)));
    if (request.find(http::field::content_type) != request.end()) {
      response.set(http::field::content_type, request[http::field::content_type]);
    }
  } else if (path == "/json") {
    response.set(http::field::content_type, "application/json");
    response.body() = kJsonDocument;
  } else if (path == "/login" && request.method() == http::verb::post) {
    // A tiny reader for {"user": "..."}: enough for the demo and tests.
    const std::string& body = request.body();
    std::string user = "anonymous";
    const auto key = body.find("\"user\"");
    if (key != std::string::npos) {
      const auto open = body.find('"', body.find(':', key) + 1);
      const auto close = open == std::string::npos ? std::string::npos : body.find('"', open + 1);
      if (close != std::string::npos) user = body.substr(open + 1, close - open - 1);
    }
    response.set(http::field::content_type, "application/json");
    response.body() = "{\"token\": \"t-" + user + "\"}";
  } else if (path.rfind("/status/", 0) == 0) {
    const long long code = number(path.substr(8), 500);
    response.result(static_cast<unsigned>(std::clamp(code, 100LL, 599LL)));
    response.body() = "status " + std::to_string(code);
  } else if (path == "/delay") {
    routed.delay =
        std::chrono::milliseconds(std::clamp(number(query_value(query, "ms"), 0), 0LL, 600'000LL));
    response.body() = "ok";
  } else if (path == "/stall-once") {
    if (query_value(query, "rearm") == "1") {
      server.stall_armed = true;
    } else if (server.stall_armed) {
      server.stall_armed = false;
      routed.delay = std::chrono::milliseconds(
          std::clamp(number(query_value(query, "ms"), 1000), 0LL, 600'000LL));
    }
    response.body() = "ok";
  } else if (path == "/__lateness") {
    response.set(http::field::content_type, "application/json");
    response.body() = lateness_json(server.lateness_us);
    if (query_value(query, "reset") == "1") server.lateness_us.clear();
  } else if (path == "/redirect") {
    response.result(static_cast<unsigned>(number(query_value(query, "code"), 302)));
    response.set(http::field::location, query_value(query, "to", "/"));
  } else if (path == "/cookies/set") {
    for (const auto& [name, value] : query)
      response.insert(http::field::set_cookie, name + "=" + value + "; Path=/");
    response.body() = "cookies set";
  } else if (path == "/cookies") {
    auto cookie = request.find(http::field::cookie);
    response.body() = cookie == request.end() ? "" : std::string(cookie->value());
  } else if (path == "/headers") {
    for (const auto& field : request) {
      response.body() +=
          std::string(field.name_string()) + ": " + std::string(field.value()) + "\n";
    }
  } else if (path == "/compressed") {
    // The /json document (or n times 'x'), compressed: encoding=gzip (default),
    // deflate (zlib wrapped), raw-deflate (sent as "deflate", as some servers
    // do) or broken.
    const std::string encoding = query_value(query, "encoding", "gzip");
    const long long repeat = std::clamp(number(query_value(query, "n"), -1), -1LL, 64LL << 20);
    const std::string document = repeat < 0 ? std::string(kJsonDocument)
                                            : std::string(static_cast<std::size_t>(repeat), 'x');
    response.set(http::field::content_type, "application/json");
    response.set(http::field::content_encoding, encoding == "raw-deflate" ? "deflate"
                                                : encoding == "broken"    ? "gzip"
                                                                          : encoding);
    response.body() = encoding == "broken" ? std::string("\x1f\x8b not really gzip")
                                           : compress(document, encoding);
  } else if (path == "/basic-auth") {
    const std::string expected =
        "Basic " + base64(query_value(query, "user") + ":" + query_value(query, "password"));
    const auto given = request.find(http::field::authorization);
    if (given == request.end() || given->value() != expected) {
      response.result(http::status::unauthorized);
      response.set(http::field::www_authenticate, "Basic realm=\"cicada-target\"");
      response.body() = "who are you?";
    } else {
      response.body() = "authorized as " + query_value(query, "user");
    }
  } else if (path == "/__counts") {
    response.set(http::field::content_type, "application/json");
    std::string json = "{";
    for (const auto& [key, count] : server.counts) {
      json += (json.size() > 1 ? ", \"" : "\"") + key + "\": " + std::to_string(count);
    }
    response.body() = json + "}";
  } else if (path == "/loop") {
    response.result(http::status::found);
    response.set(http::field::location, "/loop");
  } else if (path == "/close") {
    routed.action = Action::kClose;
  } else if (path == "/truncate") {
    routed.action = Action::kTruncate;
  } else if (path == "/garbage") {
    routed.action = Action::kGarbage;
  } else if (path == "/reset") {
    routed.action = Action::kReset;
  } else if (path == "/endless") {
    routed.action = Action::kEndless;
  } else {
    response.result(http::status::not_found);
    response.body() = "not found";
  }
  response.prepare_payload();
  if (request.method() == http::verb::head)
    response.body().clear();  // headers only, Content-Length kept
  return routed;
}

awaitable<void> serve(std::shared_ptr<TargetServer::Impl> server, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  auto registration = server->open_streams.insert(server->open_streams.end(), &stream);
  beast::flat_buffer buffer;
  asio::steady_timer delay_timer(stream.get_executor());
  boost::system::error_code error;
  while (!server->stopped) {
    Request request;
    co_await http::async_read(stream, buffer, request, asio::redirect_error(use_awaitable, error));
    if (error) break;
    Routed routed = route(*server, request);
    if (routed.action == Action::kClose) break;
    if (routed.action == Action::kReset) {
      // Half a response, then a reset (RST: linger 0), as a crashing server does.
      static constexpr std::string_view kHalf =
          "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n01234";
      co_await asio::async_write(stream, asio::buffer(kHalf.data(), kHalf.size()),
                                 asio::redirect_error(use_awaitable, error));
      stream.socket().set_option(asio::socket_base::linger(true, 0), error);
      stream.socket().close(error);
      break;
    }
    if (routed.action == Action::kEndless) {
      // A chunked body that never ends: 4 KiB chunks until the client gives up.
      static constexpr std::string_view kHead =
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
      static const std::string kChunk = "1000\r\n" + std::string(4096, 'e') + "\r\n";
      co_await asio::async_write(stream, asio::buffer(kHead.data(), kHead.size()),
                                 asio::redirect_error(use_awaitable, error));
      while (!error && !server->stopped) {
        co_await asio::async_write(stream, asio::buffer(kChunk),
                                   asio::redirect_error(use_awaitable, error));
      }
      break;
    }
    if (routed.action == Action::kTruncate || routed.action == Action::kGarbage) {
      static constexpr std::string_view kPartial =
          "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nContent-Type: text/plain\r\n\r\n0123456789";
      // What a client meets when it talks HTTP to another protocol's port.
      static constexpr std::string_view kGarbage = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\r\n";
      const std::string_view bytes = routed.action == Action::kGarbage ? kGarbage : kPartial;
      co_await asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()),
                                 asio::redirect_error(use_awaitable, error));
      break;
    }
    if (routed.delay.count() > 0) {
      const auto due = std::chrono::steady_clock::now() + routed.delay;
      delay_timer.expires_at(due);
      co_await delay_timer.async_wait(asio::redirect_error(use_awaitable, error));
      if (server->stopped) break;
      if (server->lateness_us.size() < kMaxLatenessSamples) {
        server->lateness_us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                                          std::chrono::steady_clock::now() - due)
                                          .count());
      }
    }
    const bool keep_alive = routed.response.keep_alive();
    co_await http::async_write(stream, routed.response, asio::redirect_error(use_awaitable, error));
    if (error || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_both, error);
  stream.close();
  server->open_streams.erase(registration);
}

awaitable<void> accept_connections(std::shared_ptr<TargetServer::Impl> server) {
  boost::system::error_code error;
  while (!server->stopped) {
    tcp::socket socket(server->io);
    co_await server->acceptor.async_accept(socket, asio::redirect_error(use_awaitable, error));
    if (error) {
      if (server->stopped || error == asio::error::operation_aborted) break;
      continue;  // a failed accept (e.g. out of descriptors) must not end the server
    }
    socket.set_option(tcp::no_delay(true), error);
    spawn_logged(server->io.get_executor(), serve(server, std::move(socket)), "target connection");
  }
}

}  // namespace

TargetServer::TargetServer(asio::io_context& io) : impl_(std::make_shared<Impl>(io)) {}

TargetServer::~TargetServer() {
  stop();
}

std::uint16_t TargetServer::listen(const std::string& host, std::uint16_t port) {
  boost::system::error_code error;
  const auto address = asio::ip::make_address(host, error);
  if (error) throw std::runtime_error("target server: not an IP address: " + host);
  const tcp::endpoint endpoint(address, port);
  impl_->acceptor.open(endpoint.protocol(), error);
  if (!error) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) impl_->acceptor.bind(endpoint, error);
  if (!error) impl_->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    throw std::runtime_error("target server: cannot listen on " + host + ":" +
                             std::to_string(port) + ": " + error.message());
  }
  spawn_logged(impl_->io.get_executor(), accept_connections(impl_), "target server");
  return impl_->acceptor.local_endpoint().port();
}

void TargetServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  for (auto* stream : impl_->open_streams) stream->socket().close(ignored);
}

const std::map<std::string, std::int64_t>& TargetServer::counts() const {
  return impl_->counts;
}

std::int64_t TargetServer::total_requests() const {
  return impl_->total;
}

}  // namespace cicada::target
