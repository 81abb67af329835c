#pragma once

#include <boost/asio/buffer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "byte_buffer.hpp"
#include "cicada/model/events.hpp"
#include "response_parser.hpp"

namespace cicada {
class User;
}

namespace cicada::http::detail {

/// What one request/response exchange on a connection came to, beside the
/// failure text it leaves in Exchange::error.
struct ExchangeOutcome {
  bool retryable = false;   ///< failed on a reused connection before any response byte
  bool keep_alive = false;  ///< the connection can carry the next request
  /// When the kernel received the response's last bytes (CLOCK_REALTIME, ns;
  /// plain TCP, where the kernel stamps arrivals): the caller can leave out
  /// the time the response waited for this loop to get to it.
  std::optional<std::int64_t> arrived_realtime_ns;
};

/// Everything one request needs while it is in flight and while its Response
/// lives: the request head, the final URL, the stats name and method, the
/// received bytes and their parse, and the record the statistics get. A
/// Response is only a handle to one, so the coroutine frames a request passes
/// through stay small. Taken from a per-thread pool (one pool per event loop)
/// and given back by ~Response, so a waiting user holds none and a busy loop
/// allocates none once the pool is warm.
struct Exchange {
  std::string request_head;
  /// The request as the connection writes it: the head, then the body.
  std::array<boost::asio::const_buffer, 2> request_bytes;
  std::string method;
  std::string name;
  std::string url;
  std::string target;
  ByteBuffer buffer;
  ResponseParser parser;
  bool body_is_decoded = false;  ///< the body is rare_part().decoded_body
  /// The last exchange on the connection (Connection::exchange fills it in).
  ExchangeOutcome outcome;

  // The response as reported (see Response).
  int status = 0;
  std::string error;  ///< the transport, parse or status failure; "" when none
  std::chrono::microseconds elapsed{0};
  User* user = nullptr;  ///< who records it
  double start_time = 0;
  bool pending = false;  ///< not yet recorded

  /// What only some requests need: made on first need, then kept with the
  /// pooled exchange (every request in flight holds an exchange).
  struct Rare {
    /// The body after gzip/deflate decoding, when the response was encoded.
    std::string decoded_body;
    std::optional<std::string> verdict;  ///< catch_response: "" = success, else the failure text
    RequestContext context;              ///< the request's own context (RequestOptions::context)
  };
  std::unique_ptr<Rare> rare;
  Rare& rare_part() {
    if (!rare) rare = std::make_unique<Rare>();
    return *rare;
  }
  const std::optional<std::string>* verdict() const { return rare ? &rare->verdict : nullptr; }
};

/// Takes an Exchange from this thread's pool (or makes one).
std::unique_ptr<Exchange> acquire_exchange();
/// Gives it back; large buffers are freed rather than kept.
void release_exchange(std::unique_ptr<Exchange> exchange);

}  // namespace cicada::http::detail
