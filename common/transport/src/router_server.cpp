#include "cicada/transport/router_server.hpp"

#include <spdlog/spdlog.h>

#include "cicada/transport/transport_error.hpp"
#include "endpoint.hpp"
#include "zmq_asio_socket.hpp"

namespace cicada::transport {

RouterServer::RouterServer(asio::io_context& io)
    : socket_(std::make_shared<ZmqAsioSocket>(io, zmq::socket_type::router)) {
  socket_->socket().set(zmq::sockopt::router_handover, 1);
}

RouterServer::~RouterServer() {
  close();
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

void RouterServer::start(MessageHandler on_message, BadFrameHandler on_bad_frame) {
  socket_->start([this, on_message = std::move(on_message),
                  on_bad_frame = std::move(on_bad_frame)](ZmqAsioSocket::Frames frames) {
    // A ROUTER prepends the sender's identity; a Locust worker sends exactly one
    // more frame. Extra frames are ignored, as Locust's master does.
    if (frames.size() < 2) {
      ++malformed_frames_;
      return;
    }
    std::string identity = frames[0].to_string();
    auto envelope = proto::decode_envelope(frames[1].to_string_view());
    if (envelope) {
      on_message(identity, std::move(*envelope));
    } else {
      on_bad_frame(identity, envelope.error());
    }
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
  socket_->close(linger);
}

}  // namespace cicada::transport
