#include "cicada/core/frame_pool.hpp"

#include <array>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define CICADA_POISON(block, size) ASAN_POISON_MEMORY_REGION(block, size)
#define CICADA_UNPOISON(block, size) ASAN_UNPOISON_MEMORY_REGION(block, size)
#else
#define CICADA_POISON(block, size) ((void)(block), (void)(size))
#define CICADA_UNPOISON(block, size) ((void)(block), (void)(size))
#endif

namespace cicada::frame_pool {
namespace {

constexpr std::size_t kStep = 16;
constexpr std::size_t kLargest = 2048;
constexpr std::size_t kSizes = kLargest / kStep;
constexpr std::size_t kKeptBytesPerSize = 256 * 1024;

struct FreeBlock {
  FreeBlock* next;
};

struct FreeList {
  FreeBlock* head = nullptr;
  std::size_t count = 0;
};

// Index of the list for blocks of `size` (1..kLargest) bytes, and its block size.
std::size_t list_index(std::size_t size) {
  return (size + kStep - 1) / kStep - 1;
}
std::size_t block_bytes(std::size_t index) {
  return (index + 1) * kStep;
}

struct ThreadPool {
  std::array<FreeList, kSizes> lists{};
  Counts counts{};

  ThreadPool() = default;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();
};

// Frames can still be freed after the thread's pool is gone (a coroutine
// destroyed by a static's destructor); they go straight to the heap then.
// A trivially destructible flag stays readable until the thread ends.
thread_local bool pool_gone = false;
thread_local ThreadPool pool;

ThreadPool::~ThreadPool() {
  pool_gone = true;
  for (std::size_t index = 0; index < kSizes; ++index) {
    FreeBlock* block = lists[index].head;
    while (block != nullptr) {
      CICADA_UNPOISON(block, block_bytes(index));
      FreeBlock* next = block->next;
      ::operator delete(block);
      block = next;
    }
  }
}

}  // namespace

void* allocate(std::size_t size) {
  if (size == 0) size = 1;
  if (size > kLargest || pool_gone) return ::operator new(size);
  const std::size_t index = list_index(size);
  FreeList& list = pool.lists[index];
  if (FreeBlock* block = list.head) {
    CICADA_UNPOISON(block, block_bytes(index));
    list.head = block->next;
    --list.count;
    ++pool.counts.reused;
    return block;
  }
  ++pool.counts.fresh;
  return ::operator new(block_bytes(index));
}

void deallocate(void* block, std::size_t size) noexcept {
  if (block == nullptr) return;
  if (size == 0) size = 1;
  if (size > kLargest || pool_gone) {
    ::operator delete(block);
    return;
  }
  const std::size_t index = list_index(size);
  FreeList& list = pool.lists[index];
  if (list.count * block_bytes(index) >= kKeptBytesPerSize) {
    ::operator delete(block);
    return;
  }
  auto* freed = ::new (block) FreeBlock{list.head};
  list.head = freed;
  ++list.count;
  CICADA_POISON(freed, block_bytes(index));
}

Counts thread_counts() noexcept {
  return pool_gone ? Counts{} : pool.counts;
}

}  // namespace cicada::frame_pool
