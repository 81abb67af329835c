#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cicada/core/asio.hpp"
#include "cicada/proto/envelope.hpp"

namespace cicada::transport {

class ZmqAsioSocket;
class ZapAuthenticator;
class HandshakeMonitor;

/// The master's end: a ZeroMQ ROUTER bound to tcp://host:port. Each arriving
/// frame is decoded as a Locust envelope and handed over with the sender's
/// ZeroMQ identity. ROUTER_HANDOVER is on, so a worker that reconnects under
/// its old identity is heard (Locust leaves it off; see the wire reference §1.7).
///
/// Thread: construct, use and destroy on the io_context's thread; handlers run
/// there too. Nothing blocks.
class RouterServer {
 public:
  /// A decoded envelope from `identity` (the worker's node id).
  using MessageHandler = std::function<void(const std::string& identity, proto::Envelope envelope)>;
  /// The bytes of one frame from `identity`, not yet decoded; both are valid
  /// during the call only (no copy is made of either).
  using RawFrameHandler = std::function<void(std::string_view identity, std::string_view frame)>;
  /// Bytes from `identity` that are not a Locust envelope.
  using BadFrameHandler =
      std::function<void(const std::string& identity, const proto::ProtoError& error)>;

  /// A peer turned away during the handshake, in words for the log.
  using RefusalHandler = std::function<void(const std::string& reason)>;

  explicit RouterServer(asio::io_context& io);
  ~RouterServer();
  RouterServer(const RouterServer&) = delete;
  RouterServer& operator=(const RouterServer&) = delete;

  /// Binds to `host` ("*" for every interface) and `port` (0 for an ephemeral
  /// port). Returns the bound port. Throws TransportError naming the address.
  std::uint16_t bind(const std::string& host, std::uint16_t port);

  /// Makes this a CURVE server with `secret_key` (Z85): only peers whose public
  /// key is among `authorized_keys` (Z85) finish the handshake; the rest never
  /// get a message through. Call before bind. Throws TransportError.
  void require_curve(const std::string& secret_key,
                     const std::vector<std::string>& authorized_keys);

  /// Hears every peer turned away: a key that is not authorized, a peer
  /// without CURVE when it is required (or with it when it is not), a wrong
  /// master key. Runs on the io_context's thread.
  void on_refused(RefusalHandler handler) { on_refused_ = std::move(handler); }

  /// Reads incoming messages in batches, at most `interval` after each
  /// arrived, instead of waking for each one: far fewer system calls when
  /// thousands of peers send. 0 (the default) reads at once.
  void set_receive_batching(std::chrono::milliseconds interval);

  /// Starts delivering messages. Call once, after bind.
  void start(MessageHandler on_message, BadFrameHandler on_bad_frame);
  /// Starts delivering each frame's bytes instead, for a receiver that reads
  /// some messages straight from them (the master's `stats` reports).
  void start_raw(RawFrameHandler on_raw);

  /// Sends `envelope` to the worker whose identity is `envelope.node_id`.
  /// Unknown or disconnected identities are dropped silently, as ZeroMQ does.
  void send(const proto::Envelope& envelope);

  /// Closes the socket (pending outgoing messages are dropped after `linger`).
  void close(std::chrono::milliseconds linger = std::chrono::milliseconds(0));

  /// Messages that arrived with the wrong number of frames or a non-UTF-8 identity.
  std::uint64_t malformed_frames() const { return malformed_frames_; }

 private:
  void refused(const std::string& reason);
  std::string explain_refusal(std::uint16_t event, std::uint32_t detail) const;

  asio::io_context& io_;
  std::shared_ptr<ZmqAsioSocket> socket_;
  std::unique_ptr<HandshakeMonitor> monitor_;
  std::unique_ptr<ZapAuthenticator> authenticator_;
  RefusalHandler on_refused_;
  std::uint64_t malformed_frames_ = 0;
};

}  // namespace cicada::transport
