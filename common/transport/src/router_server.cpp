#include "cicada/transport/router_server.hpp"

#include <spdlog/spdlog.h>

#include "cicada/transport/transport_error.hpp"
#include "endpoint.hpp"
#include "handshake_monitor.hpp"
#include "zap_authenticator.hpp"
#include "zmq_asio_socket.hpp"

namespace cicada::transport {

RouterServer::RouterServer(asio::io_context& io)
    : io_(io), socket_(std::make_shared<ZmqAsioSocket>(io, zmq::socket_type::router)) {
  socket_->socket().set(zmq::sockopt::router_handover, 1);
  monitor_ = std::make_unique<HandshakeMonitor>(
      io, *socket_, [this](std::uint16_t event, std::uint32_t detail) {
        // Refused keys are reported by the authenticator, with the peer's address.
        if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) return;
        refused("A worker's handshake failed: " + explain_refusal(event, detail));
      });
}

RouterServer::~RouterServer() {
  close();
}

void RouterServer::require_curve(const std::string& secret_key,
                                 const std::vector<std::string>& authorized_keys) {
  authenticator_ = std::make_unique<ZapAuthenticator>(
      io_, socket_->context(), authorized_keys,
      [this](const std::string& address, const std::string& public_key) {
        refused("Refused a worker from " + address + ": its CURVE public key " + public_key +
                " is not among the authorized keys");
      });
  try {
    auto& socket = socket_->socket();
    socket.set(zmq::sockopt::curve_server, 1);
    socket.set(zmq::sockopt::curve_secretkey, secret_key);
    // A ZAP domain makes libzmq consult the authenticator for every peer.
    socket.set(zmq::sockopt::zap_domain, "cicada");
  } catch (const zmq::error_t& e) {
    throw TransportError(std::string("cannot turn on CURVE: ") + e.what());
  }
}

std::string RouterServer::explain_refusal(std::uint16_t event, std::uint32_t detail) const {
  const bool curve = authenticator_ != nullptr;
  const bool mismatch = event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
                        detail == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH;
  if (mismatch && curve) return "it has no CURVE keys, and this master requires them";
  if (mismatch) {
    return "it has CURVE keys, and this master has none (--curve-secret-key and "
           "--curve-authorized-keys)";
  }
  if (event != ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
    return describe_handshake_failure(event, detail);
  }
  // The worker broke off without a reason: the likely ones.
  return curve ? "it broke off (no CURVE keys, or a --curve-master-key that is not this "
                 "master's?)"
               : "it broke off before the handshake ended (not a ZeroMQ peer, or one with "
                 "CURVE keys, which this master has none of?)";
}

void RouterServer::refused(const std::string& reason) {
  if (on_refused_) on_refused_(reason);
}

std::uint16_t RouterServer::bind(const std::string& host, std::uint16_t port) {
  const std::string endpoint = detail::tcp_endpoint(host, port);
  try {
    socket_->socket().bind(endpoint);
  } catch (const zmq::error_t& e) {
    throw TransportError("cannot bind the master to " + endpoint + ": " + e.what());
  }
  const auto bound = detail::endpoint_port(socket_->socket().get(zmq::sockopt::last_endpoint));
  if (!bound) throw TransportError("cannot tell which port " + endpoint + " was bound to");
  return *bound;
}

void RouterServer::set_receive_batching(std::chrono::milliseconds interval) {
  socket_->set_receive_batching(interval);
}

void RouterServer::start(MessageHandler on_message, BadFrameHandler on_bad_frame) {
  start_raw([on_message = std::move(on_message), on_bad_frame = std::move(on_bad_frame)](
                std::string_view identity_bytes, std::string_view bytes) {
    const std::string identity(identity_bytes);
    auto envelope = proto::decode_envelope(bytes);
    if (envelope) {
      on_message(identity, std::move(*envelope));
    } else {
      on_bad_frame(identity, envelope.error());
    }
  });
}

void RouterServer::start_raw(RawFrameHandler on_raw) {
  socket_->start([this, on_raw = std::move(on_raw)](ZmqAsioSocket::Frames frames) {
    // A ROUTER prepends the sender's identity; a Locust worker sends exactly one
    // more frame. Extra frames are ignored, as Locust's master does.
    if (frames.size() < 2) {
      ++malformed_frames_;
      return;
    }
    on_raw(frames[0].to_string_view(), frames[1].to_string_view());
  });
}

void RouterServer::send(const proto::Envelope& envelope) {
  ZmqAsioSocket::Frames frames;
  frames.emplace_back(envelope.node_id.data(), envelope.node_id.size());
  const std::string payload = proto::encode_envelope(envelope);
  frames.emplace_back(payload.data(), payload.size());
  // A ROUTER never blocks: messages for unknown or slow peers are dropped by ZeroMQ.
  socket_->send(std::move(frames));
}

void RouterServer::close(std::chrono::milliseconds linger) {
  monitor_->close();
  if (authenticator_) authenticator_->close();
  socket_->close(linger);
}

}  // namespace cicada::transport
