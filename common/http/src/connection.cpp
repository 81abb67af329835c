// The HTTP/1.1 connection: the hot path of every request. It holds no Beast:
// a plain (or TLS) socket, the response parser, and the loop's timeout wheel.
#include "connection.hpp"

#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstring>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <charconv>
#include <map>
#include <mutex>

#include "cicada/core/recently_interned.hpp"
#include "cicada/stats/stats_error.hpp"

namespace cicada::http::detail {
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::string seconds_text(std::chrono::steady_clock::duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", std::chrono::duration<double>(d).count());
  return text;
}

std::int64_t realtime_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

namespace {

std::string connect_timed_out(const Url& url, std::chrono::steady_clock::duration timeout) {
  return "ConnectTimeout(" +
         stats::python_repr("connecting to " + url.host + ":" + url.port + " timed out after " +
                            seconds_text(timeout) + " s") +
         ")";
}

// Reads what the non-blocking socket holds into `into`, as read_some does.
// After a read of some bytes, `arrived_ns` is the kernel's receive time of
// the last of them (SO_TIMESTAMPNS), or empty when the kernel gave none.
std::size_t receive(PlainSocket& socket, std::span<char> into,
                    std::optional<std::int64_t>& arrived_ns, boost::system::error_code& error) {
  iovec vector{into.data(), into.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  msghdr message{};
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t got = 0;
  do {
    got = ::recvmsg(socket.native_handle(), &message, 0);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    error = (errno == EAGAIN || errno == EWOULDBLOCK)
                ? boost::system::error_code(asio::error::would_block)
                : boost::system::error_code(errno, boost::system::system_category());
    return 0;
  }
  if (got == 0) {
    error = asio::error::eof;
    return 0;
  }
  arrived_ns.reset();  // an earlier read's stamp says nothing of these bytes
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
       header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_TIMESTAMPNS) {
      timespec stamp{};
      std::memcpy(&stamp, CMSG_DATA(header), sizeof stamp);
      arrived_ns = static_cast<std::int64_t>(stamp.tv_sec) * 1'000'000'000 + stamp.tv_nsec;
    }
  }
  return static_cast<std::size_t>(got);
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

/// The buffers of `request` after its first `written` bytes.
struct RemainingBuffers {
  std::array<asio::const_buffer, 8> buffers;
  std::size_t count = 0;
  std::span<const asio::const_buffer> span() const { return {buffers.data(), count}; }
};

RemainingBuffers remaining_after(std::span<const asio::const_buffer> request, std::size_t written) {
  RemainingBuffers rest;
  for (const auto& piece : request) {
    if (written >= piece.size()) {
      written -= piece.size();
      continue;
    }
    if (rest.count == rest.buffers.size()) break;  // requests are built from at most 8 pieces
    rest.buffers[rest.count++] = piece + written;
    written = 0;
  }
  return rest;
}

/// The loop's read buffer: every plain connection of this thread reads into
/// it and copies out what arrived (reads complete one at a time per thread).
std::span<char> read_scratch() {
  thread_local std::array<char, 64 * 1024> scratch;
  return {scratch.data(), scratch.size()};
}

bool is_disconnect(const boost::system::error_code& error) {
  return error == asio::error::eof || error == asio::error::connection_reset ||
         error == asio::error::broken_pipe;
}

}  // namespace

namespace {

// The origin an open connection is to, shared by every connection of this
// loop to it: thousands of users aimed at one host hold one copy.
std::shared_ptr<const std::string> shared_origin(const Url& url) {
  thread_local RecentlyInterned<std::string> interned;
  return interned.intern(url.origin());
}

}  // namespace

Connection::Connection(const asio::any_io_executor& executor)
    : executor_(loop_executor(executor)),
      reactor_(asio::use_service<asio::detail::reactor>(executor_.context())),
      deadline_(TimeoutWheel::of(executor), [this] {
        boost::system::error_code ignored;
        if (resolver_) resolver_->cancel();
        if (plain_) plain_->cancel(ignored);
        if (tls_) tls_->lowest_layer().cancel(ignored);
      }) {}

Connection::~Connection() {
  close();
  if (receive_ != nullptr) receive_->release();
}

void Connection::close() {
  boost::system::error_code ignored;
  // The objects stay: a coroutine suspended on them resumes with an error.
  if (plain_) plain_->close(ignored);
  if (tls_) tls_->lowest_layer().close(ignored);
  deadline_.disarm();
  origin_.reset();
}

namespace {

// The endpoint of a URL whose host is an IP address: no resolver needed.
std::optional<tcp::endpoint> literal_endpoint(const Url& url) {
  boost::system::error_code not_an_address;
  const auto address = asio::ip::make_address(url.host, not_an_address);
  std::uint16_t port = 0;
  const char* const end = url.port.data() + url.port.size();
  const auto [port_end, port_error] = std::from_chars(url.port.data(), end, port);
  if (not_an_address || port_error != std::errc() || port_end != end) return std::nullopt;
  return tcp::endpoint(address, port);
}

std::string connect_failure(const Url& url, const boost::system::error_code& error) {
  if (error == asio::error::connection_refused)
    return "ConnectionRefusedError(111, 'Connection refused')";
  return "ConnectionError(" +
         stats::python_repr(url.host + ":" + url.port + ": " + error.message()) + ")";
}

}  // namespace

void Connection::reopen(std::chrono::steady_clock::duration timeout) {
  close();
  plain_.reset();
  tls_.reset();
  deadline_.arm(timeout);
  plain_.emplace(executor_);
}

// Not a coroutine: a plain connection to an address (the common case) is one
// operation the caller awaits (the frame Asio makes for it lives only while
// connecting; a direct await would cost every request's frame more).
awaitable<void> Connection::connect(const Url& url, const ConnectSettings& settings,
                                    std::string* failure) {
  reopen(settings.timeout);
  const auto address = literal_endpoint(url);
  if (!address || url.scheme == "https") return connect_slowly(url, settings, failure);
  return asio::async_initiate<decltype(use_awaitable)&, void()>(
      [this, &url, timeout = settings.timeout, failure, address = *address](auto resume) {
        plain_->async_connect(address, [this, &url, timeout, failure, resume = std::move(resume)](
                                           boost::system::error_code error) mutable {
          *failure = connected(url, timeout, error);
          if (failure->empty()) {
            deadline_.disarm();
            origin_ = shared_origin(url);
          }
          std::move(resume)();
        });
      },
      use_awaitable);
}

awaitable<void> Connection::connect_slowly(const Url& url, const ConnectSettings& settings,
                                           std::string* failure) {
  boost::system::error_code error;
  // An address needs no resolver: no trip to Asio's resolver thread, and no
  // result list held per connecting user.
  if (const auto address = literal_endpoint(url)) {
    co_await plain_->async_connect(*address, asio::redirect_error(use_awaitable, error));
  } else {
    *failure = co_await resolve_and_connect(url, settings, error);
    if (!failure->empty()) co_return;
  }
  *failure = connected(url, settings.timeout, error);
  if (!failure->empty()) co_return;
  if (url.scheme == "https") {
    *failure = co_await start_tls(url, settings);
    if (!failure->empty()) co_return;
  }
  deadline_.disarm();
  origin_ = shared_origin(url);
}

std::string Connection::connected(const Url& url, std::chrono::steady_clock::duration timeout,
                                  boost::system::error_code error) {
  if (deadline_.expired()) {
    close();
    return connect_timed_out(url, timeout);
  }
  if (error) {
    deadline_.disarm();
    close();
    return connect_failure(url, error);
  }
  plain_->set_option(tcp::no_delay(true), error);
  plain_->non_blocking(true, error);
  // The kernel stamps each arrival, so a response's time can end when it
  // arrived rather than when this loop got round to it (see receive()).
  const int stamp_arrivals = 1;
  ::setsockopt(plain_->native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &stamp_arrivals,
               sizeof stamp_arrivals);
  ++connections_opened_;
  return {};
}

awaitable<std::string> Connection::resolve_and_connect(const Url& url,
                                                       const ConnectSettings& settings,
                                                       boost::system::error_code& error) {
  if (!resolver_) resolver_ = std::make_unique<tcp::resolver>(executor_);
  const auto endpoints = co_await resolver_->async_resolve(
      url.host, url.port, asio::redirect_error(use_awaitable, error));
  if (deadline_.expired()) co_return connect_timed_out(url, settings.timeout);
  if (error) {
    deadline_.disarm();
    co_return "NameResolutionError(" +
        stats::python_repr("cannot resolve " + url.host + ": " + error.message()) + ")";
  }
  co_await asio::async_connect(*plain_, endpoints, asio::redirect_error(use_awaitable, error));
  co_return std::string();
}

awaitable<std::string> Connection::start_tls(const Url& url, const ConnectSettings& settings) {
  boost::system::error_code error;
  std::string context_error;
  auto context = tls_context(settings.insecure, settings.ca_file, context_error);
  if (!context) {
    deadline_.disarm();
    close();
    co_return context_error;
  }
  tls_ = std::make_unique<TlsStream>(std::move(*plain_), *context);
  plain_.reset();
  // SSL_set_tlsext_host_name is a macro with a C cast; call what it expands to.
  if (SSL_ctrl(tls_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(url.host.c_str())) != 1) {
    deadline_.disarm();
    close();
    co_return "SSLError('cannot set the TLS server name')";
  }
  if (!settings.insecure) tls_->set_verify_callback(ssl::host_name_verification(url.host));
  co_await tls_->async_handshake(ssl::stream_base::client,
                                 asio::redirect_error(use_awaitable, error));
  if (deadline_.expired()) {
    close();
    co_return connect_timed_out(url, settings.timeout);
  }
  if (error) {
    deadline_.disarm();
    std::string reason = error.message();
    if (error.category() == asio::error::get_ssl_category()) {
      const long verify = SSL_get_verify_result(tls_->native_handle());
      if (verify != X509_V_OK)
        reason = std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
    }
    close();
    co_return "SSLError(" + stats::python_repr(reason) + ")";
  }
  co_return std::string();
}

std::string Connection::read_failure(const boost::system::error_code& error,
                                     const ResponseParser& parser) const {
  if (deadline_.expired()) {
    return "ReadTimeout(" +
           stats::python_repr("no response within " + seconds_text(timeout_) + " s") + ")";
  }
  if (parser.header_done() && (is_disconnect(error) || error == ssl::error::stream_truncated)) {
    const std::uint64_t got = parser.body_size();
    if (const auto expected = parser.content_length()) {
      return "IncompleteRead(" + std::to_string(got) + " bytes read, " +
             std::to_string(*expected - got) + " more expected)";
    }
    return "IncompleteRead(" + std::to_string(got) + " bytes read)";
  }
  if (error == asio::error::eof || error == ssl::error::stream_truncated) {
    return "RemoteDisconnected('Remote end closed connection without response')";
  }
  if (error == asio::error::connection_reset)
    return "ConnectionResetError(104, 'Connection reset by peer')";
  return "ConnectionError(" + stats::python_repr(error.message()) + ")";
}

Connection::PlainExchange Connection::exchange_plain(std::span<const asio::const_buffer> request,
                                                     Exchange* exchange,
                                                     std::chrono::steady_clock::duration timeout,
                                                     bool reused) {
  begin_exchange(exchange, timeout);
  request_ = request;
  in_flight_ = exchange;
  reused_ = reused;
  return PlainExchange(*this);
}

// The awaiting coroutine is suspended once; the exchange runs on readiness
// callbacks until it resumes it.
AwaitingThread* Connection::PlainExchange::operator()(AwaitingFrame* frame) const noexcept {
  connection_->start_plain(Resumption(*frame));
  return nullptr;
}

// Not a coroutine: the TLS exchange is the caller's only frame.
awaitable<void> Connection::exchange_tls(std::span<const asio::const_buffer> request,
                                         Exchange* exchange,
                                         std::chrono::steady_clock::duration timeout, bool reused) {
  begin_exchange(exchange, timeout);
  return tls_exchange(request, exchange, reused);
}

void Connection::begin_exchange(Exchange* exchange, std::chrono::steady_clock::duration timeout) {
  timeout_ = timeout;
  exchange->buffer.clear();
  exchange->outcome = {};
}

std::string Connection::write_failure(const boost::system::error_code& error) const {
  if (deadline_.expired()) {
    return "WriteTimeout(" +
           stats::python_repr("request not sent within " + seconds_text(timeout_) + " s") + ")";
  }
  return "ConnectionError(" + stats::python_repr("sending failed: " + error.message()) + ")";
}

std::string Connection::parse_failure(const ResponseParser& parser) {
  if (parser.error() == ResponseParser::Error::kBodyTooLarge) {
    return "ResponseTooLarge(" +
           stats::python_repr("body larger than " + std::to_string(parser.max_body_bytes()) +
                              " bytes") +
           ")";
  }
  const char* kind =
      parser.error() == ResponseParser::Error::kBadStatusLine ? "BadStatusLine(" : "ProtocolError(";
  return kind + stats::python_repr("malformed HTTP response: " + parser.error_text()) + ")";
}

void Connection::conclude_write(Exchange& exchange, const boost::system::error_code& error,
                                bool reused) {
  deadline_.disarm();
  exchange.outcome.retryable = reused && !deadline_.expired();
  exchange.error = write_failure(error);
}

void Connection::conclude(Exchange& exchange, boost::system::error_code error,
                          ResponseParser::Result result, bool reused) {
  deadline_.disarm();
  if (error && (error == asio::error::eof || error == ssl::error::stream_truncated)) {
    result = exchange.parser.finish_at_eof(exchange.buffer);
    if (result == ResponseParser::Result::kDone) error = {};
  }
  ExchangeOutcome& outcome = exchange.outcome;
  if (result == ResponseParser::Result::kError) {
    exchange.error = parse_failure(exchange.parser);
  } else if (error) {
    // A kept-alive connection the server closed meanwhile fails before any
    // byte of the response: worth one retry on a fresh connection.
    outcome.retryable =
        reused && exchange.buffer.size() == 0 && !deadline_.expired() && is_disconnect(error);
    exchange.error = read_failure(error, exchange.parser);
  } else {
    outcome.keep_alive = exchange.parser.keep_alive(exchange.buffer);
  }
}

void Connection::start_plain(Resumption resume) {
  deadline_.arm(timeout_);
  written_ = 0;
  continue_write(std::move(resume));
}

// Most requests fit the socket's send buffer and go out in the first write,
// without a trip through the reactor.
void Connection::continue_write(Resumption resume) {
  boost::system::error_code error;
  while (true) {
    const RemainingBuffers rest = remaining_after(request_, written_);
    if (rest.count == 0) break;
    written_ += plain_->write_some(rest.span(), error);
    if (error == asio::error::would_block || error == asio::error::try_again) {
      plain_->async_wait(PlainSocket::wait_write, [this, resume = std::move(resume)](
                                                      boost::system::error_code waited) mutable {
        if (!waited) return continue_write(std::move(resume));
        conclude_write(*in_flight_, waited, reused_);
        std::move(resume)();
      });
      return;
    }
    if (error) {
      conclude_write(*in_flight_, error, reused_);
      // Possibly still inside exchange(): resume the caller from the loop.
      asio::post(executor_, std::move(resume));
      return;
    }
  }
  start_receiving(std::move(resume));
}

void Connection::start_receiving(Resumption resume) {
  resume_.emplace(std::move(resume));
  parsed_ = ResponseParser::Result::kNeedMore;
  if (receive_ == nullptr) receive_ = ReceiveOp::make(*this);
  receive_->start(*plain_, reactor_);
}

// Runs in the reactor as bytes arrive: reads into the loop's one scratch
// buffer and keeps only what arrived, so a request in flight holds a buffer
// the size of its response, not the size of a read. Parses as it goes and
// reads on while the response is incomplete: a short read does not mean the
// socket is drained when the server closed right behind its bytes (a
// truncated body, a reset), and that end makes no new edge to wait for.
ReceiveOp::Got Connection::read(boost::system::error_code& error) {
  // Enough for any response that arrived whole, few enough that an endless
  // stream lets the loop run its other work between reads.
  constexpr int kReadsPerTurn = 16;
  Exchange& exchange = *in_flight_;
  const std::span<char> scratch = read_scratch();
  for (int reads = 0; reads < kReadsPerTurn; ++reads) {
    const std::size_t got = receive(*plain_, scratch, exchange.outcome.arrived_realtime_ns, error);
    if (error == asio::error::would_block || error == asio::error::try_again) {
      error = {};
      return ReceiveOp::Got::kNothing;
    }
    if (error) return ReceiveOp::Got::kSome;
    exchange.buffer.append({scratch.data(), got});
    parsed_ = exchange.parser.parse(exchange.buffer);
    if (parsed_ == ResponseParser::Result::kNeedMore) continue;
    // A whole response and a short read: nothing more is due before the
    // next request, so the next read waits for an edge instead of trying a
    // read that would only find the socket empty (one system call fewer per
    // request). A close that came behind this response still has an edge
    // coming: the reset that answers the next request.
    return got < scratch.size() ? ReceiveOp::Got::kAll : ReceiveOp::Got::kSome;
  }
  return ReceiveOp::Got::kSome;
}

void Connection::done(const boost::system::error_code& error) {
  Exchange& exchange = *in_flight_;
  if (!error && parsed_ == ResponseParser::Result::kNeedMore) {
    return receive_->start(*plain_, reactor_);
  }
  conclude(exchange, error, parsed_, reused_);
  Resumption resume = std::move(*resume_);
  resume_.reset();
  std::move(resume)();  // last: the resumed coroutine may start the next exchange
}

void Connection::abandoned() {
  resume_.reset();
}

awaitable<void> Connection::tls_exchange(std::span<const asio::const_buffer> request,
                                         Exchange* exchange, bool reused) {
  boost::system::error_code error;
  deadline_.arm(timeout_);
  co_await asio::async_write(*tls_, request, asio::redirect_error(use_awaitable, error));
  if (error) {
    conclude_write(*exchange, error, reused);
    co_return;
  }
  ByteBuffer& buffer = exchange->buffer;
  ResponseParser::Result result = ResponseParser::Result::kNeedMore;
  while (result == ResponseParser::Result::kNeedMore) {
    if (buffer.room() < 1024) buffer.prepare(buffer.size() < 1024 ? 1024 : buffer.size());
    const std::size_t got =
        co_await tls_->async_read_some(asio::buffer(buffer.data() + buffer.size(), buffer.room()),
                                       asio::redirect_error(use_awaitable, error));
    buffer.commit(got);
    if (error) break;
    result = exchange->parser.parse(buffer);
  }
  conclude(*exchange, error, result, reused);
}

}  // namespace cicada::http::detail
