#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "byte_buffer.hpp"
#include "cicada/core/asio.hpp"
#include "cicada/core/timeout_wheel.hpp"
#include "response_parser.hpp"
#include "url.hpp"

namespace cicada::http::detail {

/// A duration as the failure texts show it: seconds with one decimal ("0.3").
std::string seconds_text(std::chrono::steady_clock::duration d);

/// How one connection is opened.
struct ConnectSettings {
  std::chrono::steady_clock::duration timeout;
  bool insecure = false;
  const std::string* ca_file = nullptr;
};

/// What one request/response exchange came to.
struct ExchangeOutcome {
  std::string error;        ///< the recorded failure text; empty when a response arrived
  bool retryable = false;   ///< failed on a reused connection before any response byte
  bool keep_alive = false;  ///< the connection can carry the next request
  /// When the kernel received the response's last bytes (CLOCK_REALTIME, ns;
  /// plain TCP, where the kernel stamps arrivals): the caller can leave out
  /// the time the response waited for this loop to get to it.
  std::optional<std::int64_t> arrived_realtime_ns;
};

/// Now on the clock the kernel stamps arrivals with (CLOCK_REALTIME, ns).
std::int64_t realtime_ns();

/// One keep-alive HTTP/1.1 connection (plain TCP, or TLS over it): connect,
/// then write a request and read its response into a caller's buffer. Every
/// timeout hangs on the loop's TimeoutWheel; the socket is non-blocking, so a
/// request that fits the socket buffer is written without a trip through the
/// reactor. The owning user's loop thread only.
class Connection {
 public:
  explicit Connection(asio::any_io_executor executor);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Opens a connection to `url`'s origin. Returns the failure text, or "".
  /// `url` and `settings.ca_file` must outlive the returned awaitable.
  awaitable<std::string> connect(const Url& url, ConnectSettings settings);
  /// Sends `request` and reads the response into `buffer` (cleared first).
  awaitable<ExchangeOutcome> exchange(std::span<const asio::const_buffer> request,
                                      ByteBuffer* buffer, ResponseParser* parser,
                                      std::chrono::steady_clock::duration timeout, bool reused);

  bool is_open() const { return origin_.size() > 0; }
  /// "scheme://host:port" of the open connection, or "".
  const std::string& origin() const { return origin_; }
  std::uint64_t connections_opened() const { return connections_opened_; }
  /// Closes the socket; a pending operation completes with an error.
  void close();

 private:
  /// Resolves a host name and connects to its first address that answers;
  /// returns the failure text of a resolution that failed, else "" with the
  /// connection's outcome in `error`.
  awaitable<std::string> resolve_and_connect(const Url& url, const ConnectSettings& settings,
                                             boost::system::error_code& error);
  /// The TLS handshake over the connected plain socket (https).
  awaitable<std::string> start_tls(const Url& url, const ConnectSettings& settings);
  template <typename Stream>
  awaitable<ExchangeOutcome> exchange_on(Stream& stream,
                                         std::span<const asio::const_buffer> request,
                                         ByteBuffer* buffer, ResponseParser* parser, bool reused);
  std::string read_failure(const boost::system::error_code& error,
                           const ResponseParser& parser) const;
  std::string write_failure(const boost::system::error_code& error) const;
  static std::string parse_failure(const ResponseParser& parser);

  asio::any_io_executor executor_;
  asio::ip::tcp::resolver resolver_;
  TimeoutWheel::Deadline deadline_;
  std::optional<asio::ip::tcp::socket> plain_;
  // On the heap: an idle plain-HTTP user should not carry a TLS stream's 400 bytes.
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket>> tls_;
  std::string origin_;
  std::chrono::steady_clock::duration timeout_{};
  std::uint64_t connections_opened_ = 0;
};

}  // namespace cicada::http::detail
