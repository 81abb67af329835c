#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cicada/core/asio.hpp"
#include "cicada/proto/envelope.hpp"

namespace cicada::transport {

class ZmqAsioSocket;
class HandshakeMonitor;

/// The worker's CURVE keys (Z85): its own secret key and the master's public key.
struct CurveClientKeys {
  std::string secret_key;
  std::string master_public_key;
};

/// The worker's end: a ZeroMQ DEALER whose identity is the worker's node id,
/// connected to the master's ROUTER. Sends one frame per message, as Locust's
/// workers do. Connecting is asynchronous: an absent master is not an error,
/// ZeroMQ keeps retrying and queues outgoing messages meanwhile.
///
/// Thread: construct, use and destroy on the io_context's thread; handlers run
/// there too. Nothing blocks.
class DealerClient {
 public:
  using MessageHandler = std::function<void(proto::Envelope envelope)>;
  using BadFrameHandler = std::function<void(const proto::ProtoError& error)>;
  /// The master turned this worker away during the handshake, in words for the log.
  using RefusalHandler = std::function<void(const std::string& reason)>;

  /// `node_id` must be 1..255 bytes and not start with a zero byte (ZeroMQ's
  /// identity rule); throws TransportError otherwise.
  DealerClient(asio::io_context& io, std::string node_id);
  ~DealerClient();
  DealerClient(const DealerClient&) = delete;
  DealerClient& operator=(const DealerClient&) = delete;

  /// Speaks CURVE to the master with these keys (also after reconnect()).
  /// Call before connect. Throws TransportError for a malformed key.
  void use_curve(CurveClientKeys keys);

  /// Hears each handshake the master turns away (a refused key, CURVE on one
  /// side only, the wrong master key). Runs on the io_context's thread.
  void on_refused(RefusalHandler handler) { on_refused_ = std::move(handler); }

  /// Connects to tcp://host:port. Throws TransportError for an invalid address.
  void connect(const std::string& host, std::uint16_t port);

  /// Starts delivering messages. Call once, after connect.
  void start(MessageHandler on_message, BadFrameHandler on_bad_frame);

  /// Queues `envelope` for the master. Returns false when ZeroMQ's queue is
  /// full (the master has been unreachable for a long time): the message is dropped.
  bool send(const proto::Envelope& envelope);

  /// Closes the socket and opens a fresh one under the same identity and
  /// address, as Locust's worker does on a `reconnect` message.
  void reconnect();

  /// Closes the socket. Queued messages get up to `linger` to leave.
  void close(std::chrono::milliseconds linger = std::chrono::milliseconds(0));

  const std::string& node_id() const { return node_id_; }

 private:
  void open();
  void apply_curve();
  std::string explain_refusal(std::uint16_t event, std::uint32_t detail) const;

  asio::io_context& io_;
  std::string node_id_;
  std::string endpoint_;
  MessageHandler on_message_;
  BadFrameHandler on_bad_frame_;
  RefusalHandler on_refused_;
  CurveClientKeys curve_;
  std::shared_ptr<ZmqAsioSocket> socket_;
  std::unique_ptr<HandshakeMonitor> monitor_;
};

}  // namespace cicada::transport
