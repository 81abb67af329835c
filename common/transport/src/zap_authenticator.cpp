#include "zap_authenticator.hpp"

#include <cstring>

#include "cicada/transport/transport_error.hpp"
#include "zmq_asio_socket.hpp"

namespace cicada::transport {
namespace {

// Where libzmq sends its authentication requests (RFC 27).
constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";

std::string z85_text(const std::uint8_t* key) {
  char text[41] = {};
  zmq_z85_encode(text, key, 32);
  return text;
}

}  // namespace

ZapAuthenticator::ZapAuthenticator(asio::io_context& io,
                                   const std::shared_ptr<zmq::context_t>& context,
                                   const std::vector<std::string>& authorized_keys,
                                   RefusalHandler on_refused)
    : on_refused_(std::move(on_refused)),
      socket_(std::make_shared<ZmqAsioSocket>(io, zmq::socket_type::rep, context)) {
  for (const auto& text : authorized_keys) {
    Key key{};
    if (text.size() != 40 || zmq_z85_decode(key.data(), text.c_str()) == nullptr)
      throw TransportError("not a CURVE public key: " + text);
    authorized_.insert(key);
  }
  try {
    socket_->socket().bind(kZapEndpoint);
  } catch (const zmq::error_t& e) {
    throw TransportError(std::string("cannot start the CURVE authenticator: ") + e.what());
  }
  socket_->start([this](ZmqAsioSocket::Frames request) {
    // version, request id, domain, address, routing id, mechanism, credentials...
    // Only libzmq reaches an inproc endpoint, but a REP socket must answer
    // every request, so a malformed one is refused rather than ignored.
    const bool well_formed =
        request.size() >= 7 && request[5].to_string_view() == "CURVE" && request[6].size() == 32;
    bool accepted = false;
    std::string public_key;
    if (well_formed) {
      Key key{};
      std::memcpy(key.data(), request[6].data(), key.size());
      accepted = authorized_.count(key) > 0;
      public_key = z85_text(key.data());
      if (!accepted && on_refused_) on_refused_(request[3].to_string(), public_key);
    }
    ZmqAsioSocket::Frames reply;
    reply.emplace_back("1.0", 3);
    if (request.size() >= 2) {
      reply.emplace_back(request[1].data(), request[1].size());
    } else {
      reply.emplace_back();
    }
    const char* status = accepted ? "200" : "400";
    reply.emplace_back(status, 3);
    const std::string text = accepted ? "OK" : "key not authorized";
    reply.emplace_back(text.data(), text.size());
    reply.emplace_back(public_key.data(), public_key.size());  // the user id
    reply.emplace_back();                                      // no metadata
    socket_->send(std::move(reply));
  });
}

ZapAuthenticator::~ZapAuthenticator() {
  close();
}

void ZapAuthenticator::close() {
  socket_->close(std::chrono::milliseconds(0));
}

}  // namespace cicada::transport
