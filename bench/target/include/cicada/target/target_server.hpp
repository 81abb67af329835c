#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "cicada/core/asio.hpp"

namespace cicada::target {

/// A small HTTP/1.1 server to aim load at: for tests, benchmarks and the
/// demo. Keep-alive, one coroutine per connection, on the io_context it is
/// given. Routes (any method unless noted):
///
///   /                    200 "ok"
///   /bytes?n=N           200 with N bytes of body
///   /echo                200, the request body back; X-Echo-Method, X-Echo-Query headers
///   /json                200 {"token": "abc123", "items": [{"id": 1}, {"id": 2}], "ok": true}
///   POST /login          200 {"token": "t-<user>"} for a JSON body {"user": "<user>", ...}
///   /status/CODE         that status, body "status CODE"
///   /delay?ms=M          200 after M milliseconds
///   /stall-once?ms=M     200; the first request after start (or /stall-once?rearm=1)
///                        waits M milliseconds: one stall, for coordinated omission
///   /redirect?to=P&code=C  C (default 302) with Location: P
///   /loop                302 to itself, for ever
///   /cookies/set?k=v...  200, one Set-Cookie per query parameter
///   /cookies             200, body = the Cookie header received
///   /close               closes the connection without answering
///   /truncate            promises 100 bytes, sends 10, closes
///   /garbage             answers bytes that are not HTTP (an SSH banner), closes
///   /reset               sends half a response, then resets the connection (RST)
///   /endless             a chunked body that never ends (4 KiB chunks until the client leaves)
///   /headers             200, body = every request header, "Name: value" per line
///   /__counts            200 JSON {"<method> <path>": count, ...} of every request so far
///   /__lateness[?reset=1]  200 JSON {"count", "p50_us", "p99_us", "max_us"}: how late the
///                        /delay answers were ready past their due time (then cleared)
///   anything else        404 "not found"
///
/// Not thread-safe: use it on its io_context's thread.
class TargetServer {
 public:
  explicit TargetServer(asio::io_context& io);
  ~TargetServer();
  TargetServer(const TargetServer&) = delete;
  TargetServer& operator=(const TargetServer&) = delete;

  /// Listens on host:port (port 0: ephemeral) and returns the port. Throws
  /// std::runtime_error naming the address when it cannot listen.
  std::uint16_t listen(const std::string& host, std::uint16_t port);
  /// Stops accepting and closes every connection.
  void stop();

  /// Requests seen per "<METHOD> <path>" (path without the query).
  const std::map<std::string, std::int64_t>& counts() const;
  std::int64_t total_requests() const;

  struct Impl;  ///< the state connections share; defined in the source file

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace cicada::target
