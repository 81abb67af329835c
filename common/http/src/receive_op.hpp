#pragma once

// The scheduler first: the reactor's inline members use it.
#include <boost/asio/detail/scheduler.hpp>

#include <boost/asio/detail/reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstddef>

#include "cicada/core/asio.hpp"
#include "cicada/core/loop.hpp"

namespace cicada::http::detail {

/// A plain connection's TCP socket, on the loop's own executor type, with its
/// reactor state reachable for ReceiveOp.
class PlainSocket : public asio::basic_stream_socket<asio::ip::tcp, LoopExecutor> {
 public:
  using basic_stream_socket::basic_stream_socket;
  asio::detail::reactor::per_descriptor_data& reactor_data() {
    return impl_.get_implementation().reactor_data_;
  }
};

/// Waits for a plain socket's response bytes and reads them, where Asio 1.74's
/// own operations each cost something on the hot path:
///  - `async_wait` re-arms the descriptor with an epoll_ctl on every wait: one
///    system call per response on top of the read;
///  - its reads pass recvmsg no room for control messages, so the kernel's
///    arrival stamp (SO_TIMESTAMPNS) is lost;
///  - each operation is an allocation.
/// This is a read operation of its own on Asio's reactor: it waits on the
/// edge the last read left, as Asio's reads do (no epoll_ctl), its owner reads
/// with the stamp, and it is reused read after read.
///
/// The reactor calls the owner's `read` as bytes arrive (and at once, when
/// bytes may already be waiting), then `done` runs on the loop like any
/// completion. One read at a time. The loop's thread only.
class ReceiveOp : private asio::detail::reactor_op {
 public:
  /// What one read found.
  enum class Got {
    kNothing,  ///< nothing was waiting: wait for the next edge
    kSome,     ///< bytes (or an error); there may be more waiting
    kAll,      ///< bytes, all the owner waits for, and a short read: the next
               ///< read waits for an edge instead of trying at once
  };

  struct Owner {
    /// Reads what the socket holds; an error ends the read.
    virtual Got read(boost::system::error_code& error) = 0;
    /// The read is over: `error` says why when it failed (operation_aborted
    /// when it was cancelled).
    virtual void done(const boost::system::error_code& error) = 0;
    /// The loop is being destroyed with the read pending: release what
    /// waits on it (as Asio destroys a pending operation's handler).
    virtual void abandoned() = 0;

   protected:
    ~Owner() = default;
  };

  /// Made with new: an owner that goes while a read is pending leaves it to
  /// delete itself when the reactor is done with it.
  static ReceiveOp* make(Owner& owner) { return new ReceiveOp(owner); }
  /// Deletes now, or when the pending read ends (its owner is then not called).
  void release();

  void start(PlainSocket& socket, asio::detail::reactor& reactor);
  bool pending() const { return pending_; }

 private:
  explicit ReceiveOp(Owner& owner);
  static status do_perform(reactor_op* base);
  static void do_complete(void* scheduler, asio::detail::operation* base,
                          const boost::system::error_code& ignored, std::size_t bytes);

  Owner* owner_;  ///< null once released while pending
  bool pending_ = false;
};

}  // namespace cicada::http::detail
