#pragma once

// Recycled memory for what every request allocates and frees again: the
// frames of its coroutines and the Asio operations of its waits.
//
// Boost 1.74's Asio keeps one spare frame per thread, so with 50 users in
// flight nearly every frame was a fresh malloc. This pool keeps freed blocks
// per thread in lists by size (16-byte steps up to 2 KiB), so a loop in steady
// state reuses the same few blocks and makes no heap allocation at all. Each
// size keeps at most 256 KiB, so a burst (15,000 users connecting at once)
// hands its memory back. Under ASan a kept block is poisoned: a use after
// free still reports.
#include <cstddef>
#include <cstdint>

namespace cicada::frame_pool {

/// A block of at least `size` bytes, aligned as malloc aligns. Never null.
void* allocate(std::size_t size);
/// Returns a block from allocate(size), on any thread.
void deallocate(void* block, std::size_t size) noexcept;

/// What this thread's pool did, for tests and benchmarks.
struct Counts {
  std::uint64_t fresh = 0;   ///< blocks taken from the heap
  std::uint64_t reused = 0;  ///< blocks served from the pool
};
Counts thread_counts() noexcept;

/// An allocator on the pool, for Asio to allocate a handler's operation with
/// (a completion handler names it as its `allocator_type`).
template <typename T>
struct Allocator {
  using value_type = T;

  Allocator() noexcept = default;
  template <typename U>
  Allocator(const Allocator<U>& /*other*/) noexcept {}  // NOLINT: converts, as allocators do

  T* allocate(std::size_t count) {
    static_assert(alignof(T) <= alignof(std::max_align_t), "the pool aligns as malloc does");
    return static_cast<T*>(frame_pool::allocate(count * sizeof(T)));
  }
  void deallocate(T* block, std::size_t count) noexcept {
    frame_pool::deallocate(block, count * sizeof(T));
  }

  template <typename U>
  bool operator==(const Allocator<U>& /*other*/) const noexcept {
    return true;
  }
};

}  // namespace cicada::frame_pool
