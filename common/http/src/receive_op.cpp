#include "receive_op.hpp"

namespace cicada::http::detail {

ReceiveOp::ReceiveOp(Owner& owner)
    : reactor_op(boost::system::error_code(), &ReceiveOp::do_perform, &ReceiveOp::do_complete),
      owner_(&owner) {}

void ReceiveOp::release() {
  if (pending_) {
    owner_ = nullptr;  // do_complete deletes it
    return;
  }
  delete this;
}

void ReceiveOp::start(PlainSocket& socket, asio::detail::reactor& reactor) {
  pending_ = true;
  ec_ = {};
  bytes_transferred_ = 0;
  // Speculative: when the last read left bytes unread, the reactor reads at
  // once; after a read that drained the socket it waits for the next edge.
  reactor.start_op(asio::detail::reactor::read_op, socket.native_handle(), socket.reactor_data(),
                   this, false, true);
}

asio::detail::reactor_op::status ReceiveOp::do_perform(reactor_op* base) {
  auto* op = static_cast<ReceiveOp*>(base);
  if (op->owner_ == nullptr) {
    op->ec_ = asio::error::operation_aborted;
    return done;
  }
  switch (op->owner_->read(op->ec_)) {
    case Got::kNothing:
      return not_done;
    case Got::kSome:
      return done;
    case Got::kAll:
      return done_and_exhausted;
  }
  return done;
}

void ReceiveOp::do_complete(void* scheduler, asio::detail::operation* base,
                            const boost::system::error_code& /*ignored*/, std::size_t /*bytes*/) {
  auto* op = static_cast<ReceiveOp*>(base);
  op->pending_ = false;
  if (op->owner_ == nullptr) {
    delete op;
    return;
  }
  // A null scheduler: the loop is being destroyed with this read pending.
  if (scheduler == nullptr) return op->owner_->abandoned();
  op->owner_->done(op->ec_);  // last: the owner may start the next read
}

}  // namespace cicada::http::detail
