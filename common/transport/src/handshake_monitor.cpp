#include "handshake_monitor.hpp"

#include <atomic>
#include <cstring>
#include <string>

#include "cicada/transport/transport_error.hpp"
#include "zmq_asio_socket.hpp"

namespace cicada::transport {
namespace {

constexpr int kWatchedEvents = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

std::string unique_monitor_endpoint() {
  static std::atomic<std::uint64_t> next{0};
  return "inproc://cicada-handshake-monitor-" + std::to_string(next++);
}

}  // namespace

HandshakeMonitor::HandshakeMonitor(asio::io_context& io, ZmqAsioSocket& socket, Handler handler) {
  const std::string endpoint = unique_monitor_endpoint();
  if (zmq_socket_monitor(socket.socket().handle(), endpoint.c_str(), kWatchedEvents) != 0) {
    throw TransportError(std::string("cannot monitor a ZeroMQ socket: ") +
                         zmq_strerror(zmq_errno()));
  }
  pair_ = std::make_shared<ZmqAsioSocket>(io, zmq::socket_type::pair, socket.context());
  pair_->socket().connect(endpoint);
  pair_->start([handler = std::move(handler)](ZmqAsioSocket::Frames frames) {
    // Frame 1: a 16-bit event and a 32-bit value, in host order; frame 2: the endpoint.
    if (frames.empty() || frames[0].size() < 6) return;
    std::uint16_t event = 0;
    std::uint32_t value = 0;
    std::memcpy(&event, frames[0].data(), sizeof event);
    std::memcpy(&value, static_cast<const char*>(frames[0].data()) + sizeof event, sizeof value);
    handler(event, value);
  });
}

HandshakeMonitor::~HandshakeMonitor() {
  close();
}

void HandshakeMonitor::close() {
  pair_->close(std::chrono::milliseconds(0));
}

const char* describe_handshake_failure(std::uint16_t event, std::uint32_t detail) {
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
    return "the master refused this worker's CURVE key (it is not among the master's "
           "--curve-authorized-keys)";
  }
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) {
    if (detail == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC) {
      return "the CURVE handshake could not be decrypted (the worker's --curve-master-key is "
             "not this master's key)";
    }
    return "the peer broke the ZeroMQ handshake protocol";
  }
  return "the ZeroMQ handshake failed";
}

}  // namespace cicada::transport
