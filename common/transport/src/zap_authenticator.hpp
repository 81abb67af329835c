#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "cicada/core/asio.hpp"

namespace cicada::transport {

class ZmqAsioSocket;

/// Answers ZeroMQ's authentication requests (ZAP, RFC 27) for the sockets of
/// one context: a CURVE client is accepted when its public key is authorized,
/// and refused (status 400) otherwise. ZeroMQ asks before the handshake ends,
/// so a refused worker never gets to send a message.
class ZapAuthenticator {
 public:
  /// `address` is the peer's IP address; `public_key` its key in Z85.
  using RefusalHandler =
      std::function<void(const std::string& address, const std::string& public_key)>;

  /// Binds the context's ZAP endpoint. `authorized_keys` are Z85 public keys.
  ZapAuthenticator(asio::io_context& io, const std::shared_ptr<zmq::context_t>& context,
                   const std::vector<std::string>& authorized_keys, RefusalHandler on_refused);
  ~ZapAuthenticator();
  ZapAuthenticator(const ZapAuthenticator&) = delete;
  ZapAuthenticator& operator=(const ZapAuthenticator&) = delete;

  void close();

 private:
  using Key = std::array<std::uint8_t, 32>;

  std::set<Key> authorized_;
  RefusalHandler on_refused_;
  std::shared_ptr<ZmqAsioSocket> socket_;
};

}  // namespace cicada::transport
