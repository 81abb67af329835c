#include "exchange.hpp"

#include <vector>

namespace cicada::http::detail {
namespace {

// Enough for the requests a loop has in flight at once; beyond it, extras are freed.
constexpr std::size_t kMaxPooled = 1024;
// A buffer grown by one large body is not kept: pooled memory stays small.
constexpr std::size_t kMaxPooledBufferBytes = 64 * 1024;

std::vector<std::unique_ptr<Exchange>>& pool() {
  thread_local std::vector<std::unique_ptr<Exchange>> exchanges;
  return exchanges;
}

}  // namespace

std::unique_ptr<Exchange> acquire_exchange() {
  auto& free = pool();
  if (free.empty()) return std::make_unique<Exchange>();
  std::unique_ptr<Exchange> exchange = std::move(free.back());
  free.pop_back();
  return exchange;
}

void release_exchange(std::unique_ptr<Exchange> exchange) {
  if (!exchange) return;
  auto& free = pool();
  if (free.size() >= kMaxPooled) return;
  if (exchange->buffer.capacity() > kMaxPooledBufferBytes) exchange->buffer.release();
  exchange->buffer.clear();
  exchange->body_is_decoded = false;
  if (auto& rare = exchange->rare) {
    if (rare->decoded_body.capacity() > kMaxPooledBufferBytes) rare->decoded_body = {};
    rare->verdict.reset();
    rare->context.clear();
  }
  exchange->outcome = {};
  exchange->status = 0;
  exchange->error.clear();
  exchange->elapsed = {};
  exchange->user = nullptr;
  exchange->start_time = 0;
  exchange->pending = false;
  free.push_back(std::move(exchange));
}

}  // namespace cicada::http::detail
