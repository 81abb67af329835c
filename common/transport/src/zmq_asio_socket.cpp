#include "zmq_asio_socket.hpp"

#include <spdlog/spdlog.h>

namespace cicada::transport {

ZmqAsioSocket::ZmqAsioSocket(asio::io_context& io, zmq::socket_type type)
    : ZmqAsioSocket(io, type, std::make_shared<zmq::context_t>(1)) {}

ZmqAsioSocket::ZmqAsioSocket(asio::io_context& io, zmq::socket_type type,
                             std::shared_ptr<zmq::context_t> context)
    : io_(io),
      context_(std::move(context)),
      socket_(*context_, type),
      descriptor_(io),
      batch_timer_(io) {
  // Locust sets the same keep-alive on both ends (wire reference §1.2).
  socket_.set(zmq::sockopt::tcp_keepalive, 1);
  socket_.set(zmq::sockopt::tcp_keepalive_idle, 30);
  // Dual-stack: accepts IPv4 and IPv6 peers; libzmq falls back to IPv4 without IPv6.
  socket_.set(zmq::sockopt::ipv6, 1);
}

ZmqAsioSocket::~ZmqAsioSocket() {
  close(std::chrono::milliseconds(0));
}

void ZmqAsioSocket::start(ReceiveHandler handler) {
  handler_ = std::move(handler);
  descriptor_.assign(socket_.get(zmq::sockopt::fd));
  schedule_drain();  // messages may have arrived before we started listening
  wait_for_readiness();
}

void ZmqAsioSocket::wait_for_readiness() {
  if (closed_ || waiting_ || !descriptor_.is_open()) return;
  waiting_ = true;
  descriptor_.async_wait(asio::posix::stream_descriptor::wait_read,
                         [self = shared_from_this()](const boost::system::error_code& error) {
                           self->waiting_ = false;
                           if (error || self->closed_) return;
                           if (self->batch_interval_.count() > 0) return self->wait_for_batch();
                           self->drain();
                           self->wait_for_readiness();
                         });
}

void ZmqAsioSocket::wait_for_batch() {
  batching_ = true;
  batch_timer_.expires_after(batch_interval_);
  batch_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (error || self->closed_) return;
    if (self->drain() > 0) return self->wait_for_batch();
    // Quiet for a whole interval: the next message wakes us again.
    self->batching_ = false;
    self->wait_for_readiness();
  });
}

void ZmqAsioSocket::schedule_drain() {
  if (drain_scheduled_ || closed_) return;
  drain_scheduled_ = true;
  asio::post(io_, [self = shared_from_this()] {
    self->drain_scheduled_ = false;
    if (!self->closed_) self->drain();
  });
}

bool ZmqAsioSocket::receive(Frames& frames) {
  zmq::message_t frame;
  if (!socket_.recv(frame, zmq::recv_flags::dontwait)) return false;
  // The rest of a multipart message is already here: ZeroMQ delivers it whole.
  bool more = frame.more();
  frames.reserve(2);  // a ROUTER's identity and one frame: one allocation, not two
  frames.push_back(std::move(frame));
  while (more) {
    zmq::message_t next;
    if (!socket_.recv(next, zmq::recv_flags::dontwait)) break;
    more = next.more();
    frames.push_back(std::move(next));
  }
  return true;
}

std::size_t ZmqAsioSocket::drain() {
  std::size_t handled = 0;
  while (!closed_) {
    Frames frames;
    if (!receive(frames)) {
      // "Try again": reading ZMQ_EVENTS now re-arms ZMQ_FD's edge, and tells
      // whether something arrived meanwhile or the send queue has room again.
      const auto events = socket_.get(zmq::sockopt::events);
      if ((events & ZMQ_POLLOUT) != 0 && !backlog_.empty()) flush_backlog();
      if ((events & ZMQ_POLLIN) == 0) return handled;
      continue;
    }
    if (handler_) handler_(std::move(frames));
    // However fast messages come, the loop's timers (heartbeat checks, the
    // run time, signals) get their turn between batches.
    if (++handled == kDrainBatch) {
      schedule_drain();
      return handled;
    }
  }
  return handled;
}

bool ZmqAsioSocket::try_send(Frames& frames) {
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto flags = i + 1 < frames.size() ? zmq::send_flags::sndmore | zmq::send_flags::dontwait
                                             : zmq::send_flags::dontwait;
    // ZeroMQ accepts or refuses a multipart message as a whole at its first frame.
    if (!socket_.send(frames[i], flags)) return false;
  }
  return true;
}

void ZmqAsioSocket::flush_backlog() {
  while (!backlog_.empty() && try_send(backlog_.front())) backlog_.pop_front();
}

bool ZmqAsioSocket::send(Frames frames) {
  if (closed_) return false;
  bool accepted = true;
  if (!backlog_.empty() || !try_send(frames)) {
    if (backlog_.size() >= kMaxBacklog) {
      accepted = false;
    } else {
      backlog_.push_back(std::move(frames));
    }
  }
  // Our send may have consumed the edge that announced incoming messages
  // (while batching, the batch timer reads them anyway).
  if (!batching_) schedule_drain();
  return accepted;
}

void ZmqAsioSocket::close(std::chrono::milliseconds linger) {
  if (closed_) return;
  // handler_ stays: close() may be running inside it.
  closed_ = true;
  if (descriptor_.is_open()) {
    boost::system::error_code ignored;
    descriptor_.cancel(ignored);
    descriptor_.release();  // the descriptor belongs to ZeroMQ; never close it ourselves
  }
  batch_timer_.cancel();
  backlog_.clear();
  socket_.set(zmq::sockopt::linger, static_cast<int>(linger.count()));
  socket_.close();
  // The last socket of a context ends it (and its I/O thread).
  context_.reset();
}

}  // namespace cicada::transport
