// A master of thousands of workers reads thousands of heartbeats a second:
// each is read here straight from its bytes, without the tree of values the
// general route builds and frees. Only the usual shape is taken; the general
// route reads (or refuses, and explains) everything else.
#include "cicada/proto/messages.hpp"
#include "msgpack_cursor.hpp"

namespace cicada::proto {
namespace {

using detail::MsgpackCursor;
using detail::NumberToken;

// Fields in a mask, so a repeated one is caught (the general route decides which counts).
enum Field : unsigned { kState = 1, kCpu = 2, kMemory = 4 };

bool read_cpu(MsgpackCursor& cursor, double& out) {
  const auto token = cursor.number();
  if (!token) return false;
  if (token->kind == NumberToken::Kind::integer) {
    out = static_cast<double>(token->integer);
  } else if (token->kind == NumberToken::Kind::floating) {
    out = token->floating;
  } else {
    return false;  // a uint64 beyond int64: rare enough to leave to the general route
  }
  return true;
}

// A plain int >= 0, or nil. Integral floats and negatives go the general route.
bool read_memory(MsgpackCursor& cursor, std::optional<std::uint64_t>& out) {
  if (cursor.next_is_nil()) {
    out.reset();
    return true;
  }
  const auto token = cursor.number();
  if (!token || token->kind != NumberToken::Kind::integer || token->integer < 0) return false;
  out = static_cast<std::uint64_t>(token->integer);
  return true;
}

bool read_field(MsgpackCursor& cursor, std::string_view key, unsigned& seen, WorkerHeartbeat& out) {
  Field field;
  if (key == "state") {
    field = kState;
  } else if (key == "current_cpu_usage") {
    field = kCpu;
  } else if (key == "current_memory_usage") {
    field = kMemory;
  } else {
    return false;
  }
  if ((seen & field) != 0) return false;
  seen |= field;
  switch (field) {
    case kState: {
      const auto state = cursor.str();
      if (!state) return false;
      out.state.assign(*state);
      return true;
    }
    case kCpu:
      return read_cpu(cursor, out.current_cpu_usage_percent);
    case kMemory:
      return read_memory(cursor, out.current_memory_usage_bytes);
  }
  return false;
}

}  // namespace

std::optional<std::string_view> read_heartbeat_frame(std::string_view frame,
                                                     WorkerHeartbeat& heartbeat,
                                                     const DecodeLimits& limits) {
  MsgpackCursor cursor(frame, limits);
  if (cursor.array_header() != 3u || cursor.str() != WorkerHeartbeat::kType) return std::nullopt;
  const auto fields = cursor.map_header();
  if (!fields) return std::nullopt;
  unsigned seen = 0;
  heartbeat.current_memory_usage_bytes.reset();
  for (std::uint32_t i = 0; i < *fields; ++i) {
    const auto key = cursor.str();
    if (!key || !read_field(cursor, *key, seen, heartbeat)) return std::nullopt;
  }
  cursor.leave_container();
  if ((seen & (kState | kCpu)) != (kState | kCpu)) return std::nullopt;
  const auto node_id = cursor.str();
  if (!node_id || !cursor.at_end()) return std::nullopt;
  return node_id;
}

}  // namespace cicada::proto
