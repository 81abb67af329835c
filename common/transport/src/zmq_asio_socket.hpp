#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <zmq.hpp>

#include "cicada/core/asio.hpp"

namespace cicada::transport {

/// One ZeroMQ socket bridged into an Asio io_context.
///
/// ZeroMQ exposes readiness through ZMQ_FD, which is edge-triggered and only
/// says "look at ZMQ_EVENTS". So after every wake-up, and after every send or
/// receive we make, we re-read ZMQ_EVENTS and drain until ZeroMQ says "try
/// again"; otherwise an edge consumed by our own call would leave messages
/// sitting unseen. Only the io_context's thread touches the socket.
///
/// Owned through shared_ptr: pending waits keep it alive until they run and
/// see that it was closed.
class ZmqAsioSocket : public std::enable_shared_from_this<ZmqAsioSocket> {
 public:
  using Frames = std::vector<zmq::message_t>;
  using ReceiveHandler = std::function<void(Frames frames)>;

  /// Most messages held back while ZeroMQ's own queue (HWM) is full.
  static constexpr std::size_t kMaxBacklog = 10'000;
  /// Most messages handled in one turn of the loop before others get theirs.
  static constexpr std::size_t kDrainBatch = 256;

  /// A socket in a context of its own.
  ZmqAsioSocket(asio::io_context& io, zmq::socket_type type);
  /// A socket in `context`, which it shares (inproc peers such as a ZAP
  /// handler or a socket monitor must live in the context of their socket).
  ZmqAsioSocket(asio::io_context& io, zmq::socket_type type,
                std::shared_ptr<zmq::context_t> context);
  ~ZmqAsioSocket();

  zmq::socket_t& socket() { return socket_; }
  const std::shared_ptr<zmq::context_t>& context() const { return context_; }

  /// Starts waiting for messages; each complete multipart message goes to `handler`.
  void start(ReceiveHandler handler);

  /// After a message arrives, waits `interval` before reading, and keeps
  /// reading every `interval` while messages keep coming: one wake-up then
  /// reads all that came meanwhile. For a master that hears thousands of
  /// workers, this saves most of the system calls in its thread and in
  /// ZeroMQ's. Messages wait up to `interval` more. 0 (the default): read at once.
  void set_receive_batching(std::chrono::milliseconds interval) { batch_interval_ = interval; }

  /// Sends one multipart message without blocking. If ZeroMQ's queue is full
  /// the message waits in a backlog; returns false only when that is full too.
  bool send(Frames frames);

  /// Stops delivery and closes the socket with the given linger.
  void close(std::chrono::milliseconds linger);

  bool is_closed() const { return closed_; }

 private:
  void wait_for_readiness();
  void schedule_drain();
  /// Reads every waiting message (up to kDrainBatch per turn); returns how many.
  std::size_t drain();
  void wait_for_batch();
  /// One whole multipart message, or false for "try again".
  bool receive(Frames& frames);
  bool try_send(Frames& frames);
  void flush_backlog();

  asio::io_context& io_;
  std::shared_ptr<zmq::context_t> context_;
  zmq::socket_t socket_;
  asio::posix::stream_descriptor descriptor_;
  asio::steady_timer batch_timer_;
  std::chrono::milliseconds batch_interval_{0};
  bool batching_ = false;  ///< the batch timer, not readiness, says when to read next
  ReceiveHandler handler_;
  std::deque<Frames> backlog_;
  bool closed_ = false;
  bool drain_scheduled_ = false;
  bool waiting_ = false;
};

}  // namespace cicada::transport
