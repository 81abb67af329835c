#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "cicada/core/asio.hpp"

namespace cicada {

/// One hashed timing wheel per event loop: every I/O timeout of the loop's
/// connections hangs on it, so arming, re-arming and disarming a timeout is a
/// list splice, and the loop's one timer is reprogrammed once per tick instead
/// of twice per request (Asio re-arms its timerfd whenever the earliest timer
/// changes, which was a tenth of the HTTP path's cycles).
///
/// A timeout fires between its duration and its duration plus one tick
/// (kTick) late. Only the loop's thread may touch the wheel or its deadlines.
class TimeoutWheel : public asio::execution_context::service {
 public:
  using key_type = TimeoutWheel;
  static asio::execution_context::id id;

  static constexpr std::chrono::milliseconds kTick{50};
  static constexpr std::size_t kSlots = 256;  // one turn: 12.8 s; longer waits count turns

  explicit TimeoutWheel(asio::execution_context& context);
  ~TimeoutWheel() override;

  /// The wheel of the loop that `executor` runs on (created on first use).
  static TimeoutWheel& of(const asio::any_io_executor& executor);

  /// A timeout that can be armed again and again without allocating. When it
  /// expires, `on_expiry` runs on the loop's thread (typically: cancel a
  /// socket, so the pending operation completes with operation_aborted).
  class Deadline {
   public:
    Deadline(TimeoutWheel& wheel, std::function<void()> on_expiry);
    ~Deadline();
    Deadline(const Deadline&) = delete;
    Deadline& operator=(const Deadline&) = delete;

    /// Starts (or restarts) the countdown.
    void arm(std::chrono::steady_clock::duration timeout);
    /// Stops it; expiry will not run.
    void disarm();
    bool armed() const { return wheel_ != nullptr && slot_ != kNoSlot; }
    /// True once the last armed countdown ran out (reset by arm()).
    bool expired() const { return expired_; }

   private:
    friend class TimeoutWheel;
    static constexpr std::size_t kNoSlot = static_cast<std::size_t>(-1);

    TimeoutWheel* wheel_;
    std::function<void()> on_expiry_;
    std::size_t slot_ = kNoSlot;
    std::uint64_t turns_ = 0;  // full turns still to wait in the slot
    Deadline* prev_ = nullptr;
    Deadline* next_ = nullptr;
    bool expired_ = false;
  };

  /// Deadlines armed now.
  std::size_t armed_count() const { return armed_; }

 private:
  void shutdown() override;
  void link(Deadline& deadline, std::size_t slot);
  void unlink(Deadline& deadline);
  void schedule_tick();
  void on_tick(const boost::system::error_code& error);

  std::optional<asio::steady_timer> timer_;
  std::vector<Deadline*> slots_;
  std::size_t cursor_ = 0;
  std::size_t armed_ = 0;
  bool ticking_ = false;
  bool shut_down_ = false;
  std::chrono::steady_clock::time_point next_tick_at_{};
};

}  // namespace cicada
