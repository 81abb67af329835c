#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "cicada/core/asio.hpp"
#include "cicada/core/loop.hpp"
#include "cicada/core/resumption.hpp"
#include "cicada/core/timeout_wheel.hpp"
#include "exchange.hpp"
#include "receive_op.hpp"
#include "url.hpp"

namespace cicada::http::detail {

/// A duration as the failure texts show it: seconds with one decimal ("0.3").
std::string seconds_text(std::chrono::steady_clock::duration d);

/// How one connection is opened.
struct ConnectSettings {
  std::chrono::steady_clock::duration timeout;
  bool insecure = false;
  std::string ca_file;  ///< PEM file of trusted CAs; empty: the system's
};

/// Now on the clock the kernel stamps arrivals with (CLOCK_REALTIME, ns).
std::int64_t realtime_ns();

/// One keep-alive HTTP/1.1 connection (plain TCP, or TLS over it): connect,
/// then write a request and read its response into an Exchange. Every
/// timeout hangs on the loop's TimeoutWheel; the socket is non-blocking, so a
/// request that fits the socket buffer is written without a trip through the
/// reactor. On plain TCP an exchange is a small state machine driven by the
/// reactor's readiness callbacks: the awaiting coroutine is suspended once per
/// exchange, with no coroutine frame of the connection's own. The owning
/// user's loop thread only; the loop must be an io_context.
class Connection final : private ReceiveOp::Owner {
 public:
  explicit Connection(const asio::any_io_executor& executor);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Opens a connection to `url`'s origin; `*failure` becomes the failure
  /// text, or "". `url`, `settings` and `failure` must outlive the returned
  /// awaitable.
  awaitable<void> connect(const Url& url, const ConnectSettings& settings, std::string* failure);
  /// A plain exchange as its caller awaits it: at once, with no frame for the
  /// wait (see resumption.hpp).
  class PlainExchange {
   public:
    /// Asio calls this with the awaiting coroutine suspended.
    AwaitingThread* operator()(AwaitingFrame* frame) const noexcept;

   private:
    friend class Connection;
    explicit PlainExchange(Connection& connection) : connection_(&connection) {}
    Connection* connection_;
  };

  /// Sends `request` and reads the response into `exchange`'s buffer (cleared
  /// first) with its parser (reset by the caller); the outcome is left in
  /// `exchange->outcome`, a failure's text in `exchange->error`. `request`
  /// and `exchange` must outlive the await. On plain TCP (`!is_tls()`), to be
  /// awaited at once:
  PlainExchange exchange_plain(std::span<const asio::const_buffer> request, Exchange* exchange,
                               std::chrono::steady_clock::duration timeout, bool reused);
  /// The same over TLS (`is_tls()`), a coroutine of its own.
  awaitable<void> exchange_tls(std::span<const asio::const_buffer> request, Exchange* exchange,
                               std::chrono::steady_clock::duration timeout, bool reused);
  bool is_tls() const { return tls_ != nullptr; }

  /// True when the connection is open to `origin` ("scheme://host:port").
  bool is_open_to(std::string_view origin) const { return origin_ && *origin_ == origin; }
  std::uint64_t connections_opened() const { return connections_opened_; }
  /// Closes the socket; a pending operation completes with an error.
  void close();

 private:
  using TlsStream = asio::ssl::stream<PlainSocket>;
  /// Readies `exchange` for a new request and response.
  void begin_exchange(Exchange* exchange, std::chrono::steady_clock::duration timeout);

  /// A fresh socket, the old one closed, the connect's countdown started.
  void reopen(std::chrono::steady_clock::duration timeout);
  /// Connects by host name, or for TLS: what a plain connection to an address does not need.
  awaitable<void> connect_slowly(const Url& url, const ConnectSettings& settings,
                                 std::string* failure);
  /// The connection's socket options once connected; the failure text, or "".
  std::string connected(const Url& url, std::chrono::steady_clock::duration timeout,
                        boost::system::error_code error);
  /// Resolves a host name and connects to its first address that answers;
  /// returns the failure text of a resolution that failed, else "" with the
  /// connection's outcome in `error`.
  awaitable<std::string> resolve_and_connect(const Url& url, const ConnectSettings& settings,
                                             boost::system::error_code& error);
  /// The TLS handshake over the connected plain socket (https).
  awaitable<std::string> start_tls(const Url& url, const ConnectSettings& settings);
  awaitable<void> tls_exchange(std::span<const asio::const_buffer> request, Exchange* exchange,
                               bool reused);

  // The plain exchange's states: writing what the socket buffer did not take,
  // reading the response as it arrives (ReceiveOp), done.
  void start_plain(Resumption resume);
  void continue_write(Resumption resume);
  void start_receiving(Resumption resume);
  ReceiveOp::Got read(boost::system::error_code& error) override;
  void done(const boost::system::error_code& error) override;
  void abandoned() override;
  /// Ends the exchange in flight: its outcome from how the read ended.
  void conclude(Exchange& exchange, boost::system::error_code error, ResponseParser::Result result,
                bool reused);
  /// Ends the exchange in flight after a failed write.
  void conclude_write(Exchange& exchange, const boost::system::error_code& error, bool reused);

  std::string read_failure(const boost::system::error_code& error,
                           const ResponseParser& parser) const;
  std::string write_failure(const boost::system::error_code& error) const;
  static std::string parse_failure(const ResponseParser& parser);

  LoopExecutor executor_;
  asio::detail::reactor& reactor_;
  // Made on first use: a user aimed at an IP address never resolves a name.
  std::unique_ptr<asio::ip::tcp::resolver> resolver_;
  TimeoutWheel::Deadline deadline_;
  std::optional<PlainSocket> plain_;
  // On the heap: an idle plain-HTTP user should not carry a TLS stream's 400 bytes.
  std::unique_ptr<TlsStream> tls_;
  std::shared_ptr<const std::string> origin_;  ///< null while closed
  std::chrono::steady_clock::duration timeout_{};
  std::uint64_t connections_opened_ = 0;
  // The plain exchange in flight, between the reactor's callbacks.
  ReceiveOp* receive_ = nullptr;      ///< made on the first read, reused after
  std::optional<Resumption> resume_;  ///< what awaits the exchange while it reads
  std::span<const asio::const_buffer> request_;
  Exchange* in_flight_ = nullptr;
  std::size_t written_ = 0;
  ResponseParser::Result parsed_ = ResponseParser::Result::kNeedMore;  ///< by the last read
  bool reused_ = false;
};

}  // namespace cicada::http::detail
