#include "cicada/transport/dealer_client.hpp"

#include "cicada/transport/curve_keys.hpp"
#include "cicada/transport/transport_error.hpp"
#include "endpoint.hpp"
#include "handshake_monitor.hpp"
#include "zmq_asio_socket.hpp"

namespace cicada::transport {

DealerClient::DealerClient(asio::io_context& io, std::string node_id)
    : io_(io), node_id_(std::move(node_id)) {
  if (node_id_.empty() || node_id_.size() > 255 || node_id_.front() == '\0') {
    throw TransportError("worker node id must be 1 to 255 bytes and not start with a zero byte");
  }
  open();
}

DealerClient::~DealerClient() {
  close();
}

void DealerClient::open() {
  socket_ = std::make_shared<ZmqAsioSocket>(io_, zmq::socket_type::dealer);
  socket_->socket().set(zmq::sockopt::routing_id,
                        zmq::const_buffer(node_id_.data(), node_id_.size()));
  if (!curve_.secret_key.empty()) apply_curve();
  monitor_ = std::make_unique<HandshakeMonitor>(io_, *socket_,
                                                [this](std::uint16_t event, std::uint32_t detail) {
                                                  if (on_refused_)
                                                    on_refused_(explain_refusal(event, detail));
                                                });
}

std::string DealerClient::explain_refusal(std::uint16_t event, std::uint32_t detail) const {
  const bool curve = !curve_.secret_key.empty();
  const bool mismatch = event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
                        detail == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH;
  if (mismatch && !curve) {
    return "the master requires CURVE keys (give --curve-secret-key and --curve-master-key)";
  }
  if (mismatch) return "the master does not use CURVE keys, and this worker does";
  if (event != ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
    return describe_handshake_failure(event, detail);
  }
  // The master broke off without a reason: what this worker can check.
  return curve ? "the handshake failed: is --curve-master-key this master's public key, and "
                 "does the master use CURVE keys?"
               : "the handshake failed: does the master require CURVE keys (--curve-secret-key "
                 "and --curve-master-key)?";
}

void DealerClient::use_curve(CurveClientKeys keys) {
  curve_ = std::move(keys);
  apply_curve();
}

void DealerClient::apply_curve() {
  try {
    auto& socket = socket_->socket();
    socket.set(zmq::sockopt::curve_secretkey, curve_.secret_key);
    socket.set(zmq::sockopt::curve_publickey, curve_public_key(curve_.secret_key));
    socket.set(zmq::sockopt::curve_serverkey, curve_.master_public_key);
  } catch (const zmq::error_t& e) {
    throw TransportError(std::string("cannot turn on CURVE: ") + e.what());
  }
}

void DealerClient::connect(const std::string& host, std::uint16_t port) {
  endpoint_ = detail::tcp_endpoint(host, port);
  try {
    socket_->socket().connect(endpoint_);
  } catch (const zmq::error_t& e) {
    throw TransportError("cannot connect to the master at " + endpoint_ + ": " + e.what());
  }
}

void DealerClient::start(MessageHandler on_message, BadFrameHandler on_bad_frame) {
  on_message_ = std::move(on_message);
  on_bad_frame_ = std::move(on_bad_frame);
  socket_->start([this](ZmqAsioSocket::Frames frames) {
    if (frames.empty()) return;
    auto envelope = proto::decode_envelope(frames[0].to_string_view());
    if (envelope) {
      on_message_(std::move(*envelope));
    } else {
      on_bad_frame_(envelope.error());
    }
  });
}

bool DealerClient::send(const proto::Envelope& envelope) {
  const std::string payload = proto::encode_envelope(envelope);
  ZmqAsioSocket::Frames frames;
  frames.emplace_back(payload.data(), payload.size());
  return socket_->send(std::move(frames));
}

void DealerClient::reconnect() {
  // Linger 0: the old connection must be gone before the new one handshakes
  // under the same identity (wire reference §1.7).
  monitor_->close();
  socket_->close(std::chrono::milliseconds(0));
  open();
  if (!endpoint_.empty()) socket_->socket().connect(endpoint_);
  if (on_message_) start(std::move(on_message_), std::move(on_bad_frame_));
}

void DealerClient::close(std::chrono::milliseconds linger) {
  monitor_->close();
  socket_->close(linger);
}

}  // namespace cicada::transport
