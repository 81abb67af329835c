#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace cicada::http::detail {

/// A growable byte buffer that never zero-fills: reads go into `prepare(n)`,
/// and `commit(n)` keeps what arrived. Capacity survives `clear()`, so a
/// pooled buffer serves request after request without allocating.
class ByteBuffer {
 public:
  char* data() { return bytes_.get(); }
  const char* data() const { return bytes_.get(); }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  /// Bytes that fit after size() without growing.
  std::size_t room() const { return capacity_ - size_; }
  std::string_view view() const { return {bytes_.get(), size_}; }
  std::string_view view(std::size_t at, std::size_t length) const {
    return {bytes_.get() + at, length};
  }

  /// Room for at least `n` more bytes after size(); returns where they go.
  char* prepare(std::size_t n) {
    if (capacity_ - size_ < n) grow(size_ + n);
    return bytes_.get() + size_;
  }
  void commit(std::size_t n) { size_ += n; }
  void append(std::string_view text) {
    if (text.empty()) return;  // memcpy from or to null is undefined, even for 0 bytes
    std::memcpy(prepare(text.size()), text.data(), text.size());
    commit(text.size());
  }
  /// Keeps the first `n` bytes.
  void truncate(std::size_t n) {
    if (n < size_) size_ = n;
  }
  void clear() { size_ = 0; }
  /// Gives the memory back (an idle buffer kept by the pool must stay small).
  void release() {
    bytes_.reset();
    size_ = capacity_ = 0;
  }

 private:
  void grow(std::size_t wanted) {
    // The first size fits what arrived (a small response is one read): a
    // buffer per request in flight, so thousands of users hold thousands.
    std::size_t capacity =
        capacity_ == 0 ? std::max<std::size_t>(256, (wanted + 63) / 64 * 64) : capacity_;
    while (capacity < wanted) capacity *= 2;
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(bigger.get(), bytes_.get(), size_);
    bytes_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> bytes_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace cicada::http::detail
