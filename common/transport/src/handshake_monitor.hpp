#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "cicada/core/asio.hpp"

namespace cicada::transport {

class ZmqAsioSocket;

/// Watches one socket's ZMTP handshakes through ZeroMQ's socket monitor, so a
/// peer that is turned away (wrong or missing CURVE keys) is reported instead
/// of retrying in silence.
class HandshakeMonitor {
 public:
  /// `event` is a ZMQ_EVENT_HANDSHAKE_FAILED_* value; `detail` its number
  /// (a ZMQ_PROTOCOL_ERROR_* code, or the ZAP status code for AUTH).
  using Handler = std::function<void(std::uint16_t event, std::uint32_t detail)>;

  /// Starts watching `socket`; `handler` runs on the io_context's thread.
  HandshakeMonitor(asio::io_context& io, ZmqAsioSocket& socket, Handler handler);
  ~HandshakeMonitor();
  HandshakeMonitor(const HandshakeMonitor&) = delete;
  HandshakeMonitor& operator=(const HandshakeMonitor&) = delete;

  /// Stops watching. Call before the watched socket closes.
  void close();

 private:
  std::shared_ptr<ZmqAsioSocket> pair_;
};

/// What a handshake failure means, in words for the log.
const char* describe_handshake_failure(std::uint16_t event, std::uint32_t detail);

}  // namespace cicada::transport
