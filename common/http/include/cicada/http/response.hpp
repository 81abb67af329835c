#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cicada/model/events.hpp"

namespace cicada {
class User;
}

namespace cicada::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

namespace detail {
struct Exchange;
/// Returns an Exchange to its thread's pool.
struct ExchangeRelease {
  void operator()(Exchange* exchange) const;
};
}  // namespace detail

/// What came back from one request (after redirects), and how it is reported.
///
/// A Response is a handle: the status line, headers and body are views into
/// the bytes received, which it owns until it is destroyed (they come from a
/// pool, so a request allocates nothing in the steady state). Copy what must
/// outlive it. A default-constructed or moved-from Response holds nothing:
/// status 0, no error, empty views.
///
/// Without catch_response the request was already recorded when the response
/// is handed over. With catch_response it is recorded when the Response is
/// destroyed (or `report()` is called): `success()` or `failure(reason)`
/// decide the outcome, otherwise the status does, as in Locust.
class Response {
 public:
  Response();
  Response(Response&& other) noexcept;
  Response& operator=(Response&& other) noexcept;
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;
  ~Response();

  /// The HTTP status, or 0 when no response arrived (refused, timeout, ...).
  int status() const;
  std::string_view reason() const;
  std::string_view body() const;
  /// Every header, in the order received (builds a list: prefer header()).
  std::vector<std::pair<std::string_view, std::string_view>> headers() const;
  /// The body parsed as JSON (Locust's `response.json()`); throws
  /// nlohmann::json::parse_error when it is not JSON. Include
  /// <nlohmann/json.hpp> to use the result.
  nlohmann::json json() const;
  /// The first header named `name` (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
  /// The final URL, after redirects.
  std::string_view url() const;
  /// The statistics row this request is recorded under.
  std::string_view name() const;
  /// Why the request failed at the transport level or by status; empty if it did not.
  const std::string& error() const;
  /// True when a response arrived with a status below 400.
  bool ok() const { return error().empty(); }
  std::chrono::microseconds elapsed() const;

  /// catch_response: report this request as a success, whatever its status.
  void success();
  /// catch_response: report it as a failure with `reason`.
  void failure(std::string reason);
  /// catch_response: record it now instead of at destruction.
  void report();

 private:
  friend class SessionImpl;

  // Everything, down to the report's fields, lives in the exchange: a
  // Response is one pointer wherever a coroutine frame holds it.
  std::unique_ptr<detail::Exchange, detail::ExchangeRelease> exchange_;
};

}  // namespace cicada::http
