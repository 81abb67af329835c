#include "cicada/core/timeout_wheel.hpp"

namespace cicada {

asio::execution_context::id TimeoutWheel::id;

TimeoutWheel::TimeoutWheel(asio::execution_context& context)
    : asio::execution_context::service(context), slots_(kSlots, nullptr) {}

TimeoutWheel::~TimeoutWheel() {
  shutdown();
}

TimeoutWheel& TimeoutWheel::of(const asio::any_io_executor& executor) {
  auto& wheel = asio::use_service<TimeoutWheel>(asio::query(executor, asio::execution::context));
  // A service is built from its context alone; its timer needs an executor.
  if (!wheel.timer_ && !wheel.shut_down_) wheel.timer_.emplace(executor);
  return wheel;
}

void TimeoutWheel::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  // Deadlines may outlive the loop (users destroyed after it): detach them.
  for (Deadline*& head : slots_) {
    while (head != nullptr) {
      Deadline* deadline = head;
      head = deadline->next_;
      deadline->slot_ = Deadline::kNoSlot;
      deadline->prev_ = deadline->next_ = nullptr;
      deadline->wheel_ = nullptr;
    }
  }
  armed_ = 0;
  // The timer goes now, while the timer service it belongs to still exists
  // (services are destroyed in reverse order of creation, after all shut down).
  timer_.reset();
}

void TimeoutWheel::link(Deadline& deadline, std::size_t slot) {
  deadline.slot_ = slot;
  deadline.prev_ = nullptr;
  deadline.next_ = slots_[slot];
  if (deadline.next_ != nullptr) deadline.next_->prev_ = &deadline;
  slots_[slot] = &deadline;
  ++armed_;
}

void TimeoutWheel::unlink(Deadline& deadline) {
  if (deadline.prev_ != nullptr) {
    deadline.prev_->next_ = deadline.next_;
  } else {
    slots_[deadline.slot_] = deadline.next_;
  }
  if (deadline.next_ != nullptr) deadline.next_->prev_ = deadline.prev_;
  deadline.prev_ = deadline.next_ = nullptr;
  deadline.slot_ = Deadline::kNoSlot;
  --armed_;
}

void TimeoutWheel::schedule_tick() {
  if (ticking_ || shut_down_) return;
  ticking_ = true;
  const auto now = std::chrono::steady_clock::now();
  if (next_tick_at_ + kTick < now) next_tick_at_ = now + kTick;  // was idle: start afresh
  timer_->expires_at(next_tick_at_);
  timer_->async_wait([this](const boost::system::error_code& error) { on_tick(error); });
}

void TimeoutWheel::on_tick(const boost::system::error_code& error) {
  ticking_ = false;
  if (error || shut_down_) return;
  // A busy loop may wake late: turn the wheel once per tick that has passed.
  const auto now = std::chrono::steady_clock::now();
  std::size_t ticks = 1;
  if (now > next_tick_at_) ticks += static_cast<std::size_t>((now - next_tick_at_) / kTick);
  next_tick_at_ += kTick * static_cast<std::int64_t>(ticks);

  for (std::size_t tick = 0; tick < ticks && armed_ > 0; ++tick) {
    cursor_ = (cursor_ + 1) % kSlots;
    Deadline* deadline = slots_[cursor_];
    while (deadline != nullptr) {
      Deadline* next = deadline->next_;
      if (deadline->turns_ > 0) {
        --deadline->turns_;
      } else {
        unlink(*deadline);
        deadline->expired_ = true;
        // The callback cancels I/O; it may re-arm this deadline but must not
        // destroy another one (`next` would dangle).
        deadline->on_expiry_();
      }
      deadline = next;
    }
  }
  if (armed_ > 0) schedule_tick();
}

TimeoutWheel::Deadline::Deadline(TimeoutWheel& wheel, std::function<void()> on_expiry)
    : wheel_(&wheel), on_expiry_(std::move(on_expiry)) {}

TimeoutWheel::Deadline::~Deadline() {
  disarm();
}

void TimeoutWheel::Deadline::arm(std::chrono::steady_clock::duration timeout) {
  if (wheel_ == nullptr) return;  // the loop is gone
  disarm();
  expired_ = false;
  // +1: the first tick may come at once, and a timeout must never fire early.
  const auto tick = std::chrono::duration_cast<std::chrono::steady_clock::duration>(kTick);
  const std::uint64_t ticks =
      static_cast<std::uint64_t>(std::max<std::int64_t>(
          0, (timeout + tick - std::chrono::steady_clock::duration(1)) / tick)) +
      1;
  turns_ = (ticks - 1) / kSlots;
  wheel_->link(*this, (wheel_->cursor_ + ticks) % kSlots);
  wheel_->schedule_tick();
}

void TimeoutWheel::Deadline::disarm() {
  if (wheel_ != nullptr && slot_ != kNoSlot) wheel_->unlink(*this);
}

}  // namespace cicada
