#pragma once

#include <array>
#include <cstddef>
#include <memory>

namespace cicada {

/// Shares equal immutable values among their holders, looking only at the
/// few values interned most recently. Equal values made in a row (the users
/// of one class, spawned by the thousand) end up as one copy; a value nobody
/// shares costs a few comparisons, never a search of every value alive, and
/// the cache holds no value alive. One thread only: keep one per thread.
template <typename T, std::size_t kRecent = 16>
class RecentlyInterned {
 public:
  /// A shared copy of a value equal to `value`: an interned one still alive,
  /// else `value` itself, now interned.
  std::shared_ptr<const T> intern(T value) {
    for (const auto& weak : recent_) {
      if (auto held = weak.lock(); held && *held == value) return held;
    }
    // Not make_shared: a weak pointer to it would keep the value's memory.
    std::shared_ptr<const T> made(new T(std::move(value)));
    recent_[next_] = made;
    next_ = (next_ + 1) % kRecent;
    return made;
  }

 private:
  std::array<std::weak_ptr<const T>, kRecent> recent_;
  std::size_t next_ = 0;
};

}  // namespace cicada
