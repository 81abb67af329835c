#include "msgpack_cursor.hpp"

#include <cstring>

#include "utf8.hpp"

namespace cicada::proto::detail {

MsgpackCursor::MsgpackCursor(std::string_view bytes, const DecodeLimits& limits, std::size_t depth)
    : bytes_(bytes), limits_(limits), depth_(depth) {}

bool MsgpackCursor::fail() {
  failed_ = true;
  return false;
}

std::nullopt_t MsgpackCursor::none() {
  failed_ = true;
  return std::nullopt;
}

std::uint64_t MsgpackCursor::big_endian(std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    value = (value << 8) | static_cast<std::uint8_t>(bytes_[position_ + i]);
  }
  position_ += size;
  return value;
}

bool MsgpackCursor::open_container(std::uint64_t count, bool map) {
  if (depth_ >= limits_.max_depth || count > limits_.max_container_size) return fail();
  // Every element takes at least a byte: a header claiming more is a truncated frame.
  if ((map ? count * 2 : count) > bytes_.size() - position_) return fail();
  ++depth_;
  return true;
}

std::optional<std::uint32_t> MsgpackCursor::counted_header(std::uint8_t tag, bool map) {
  std::uint64_t count = 0;
  const std::uint8_t fix_base = map ? 0x80 : 0x90;
  const std::uint8_t wide_16 = map ? 0xde : 0xdc;
  if ((tag & 0xf0) == fix_base) {
    count = tag & 0x0f;
  } else if (tag == wide_16 || tag == wide_16 + 1) {
    const std::size_t size = tag == wide_16 ? 2 : 4;
    if (!need(size)) return none();
    count = big_endian(size);
  } else {
    return none();
  }
  if (!open_container(count, map)) return std::nullopt;
  return static_cast<std::uint32_t>(count);
}

std::optional<std::uint32_t> MsgpackCursor::container_header(bool map) {
  if (failed_ || !need(1)) return none();
  const auto tag = static_cast<std::uint8_t>(bytes_[position_++]);
  return counted_header(tag, map);
}

std::optional<std::uint32_t> MsgpackCursor::array_header() {
  return container_header(false);
}

std::optional<std::uint32_t> MsgpackCursor::map_header() {
  return container_header(true);
}

std::optional<std::string_view> MsgpackCursor::take(std::uint64_t size, bool text) {
  if (size > limits_.max_string_bytes || !need(size)) return none();
  std::string_view view = bytes_.substr(position_, size);
  position_ += size;
  if (text && !is_valid_utf8(view)) return none();
  return view;
}

std::optional<std::string_view> MsgpackCursor::take_sized(std::size_t length_bytes, bool text) {
  if (!need(length_bytes)) return none();
  return take(big_endian(length_bytes), text);
}

std::optional<std::string_view> MsgpackCursor::str() {
  if (failed_ || !need(1)) return none();
  const auto tag = static_cast<std::uint8_t>(bytes_[position_++]);
  if ((tag & 0xe0) == 0xa0) return take(tag & 0x1f, true);
  if (tag < 0xd9 || tag > 0xdb) return none();
  return take_sized(std::size_t{1} << (tag - 0xd9), true);
}

std::optional<std::string_view> MsgpackCursor::bin() {
  if (failed_ || !need(1)) return none();
  const auto tag = static_cast<std::uint8_t>(bytes_[position_++]);
  if (tag < 0xc4 || tag > 0xc6) return none();
  return take_sized(std::size_t{1} << (tag - 0xc4), false);
}

std::optional<NumberToken> MsgpackCursor::number() {
  if (failed_ || !need(1)) return none();
  const auto tag = static_cast<std::uint8_t>(bytes_[position_]);
  NumberToken token;
  if (tag <= 0x7f) {
    ++position_;
    token.integer = tag;
    return token;
  }
  if (tag >= 0xe0) {
    ++position_;
    token.integer = static_cast<std::int8_t>(tag);
    return token;
  }
  std::size_t size = 0;
  if (tag >= 0xcc && tag <= 0xcf) size = std::size_t{1} << (tag - 0xcc);
  if (tag >= 0xd0 && tag <= 0xd3) size = std::size_t{1} << (tag - 0xd0);
  if (tag == 0xca) size = 4;
  if (tag == 0xcb) size = 8;
  if (size == 0 || !need(1 + size)) return none();
  ++position_;
  const std::uint64_t raw = big_endian(size);
  if (tag == 0xca) {
    float f = 0;
    const auto bits = static_cast<std::uint32_t>(raw);
    std::memcpy(&f, &bits, sizeof f);
    token.kind = NumberToken::Kind::floating;
    token.floating = f;
  } else if (tag == 0xcb) {
    token.kind = NumberToken::Kind::floating;
    std::memcpy(&token.floating, &raw, sizeof raw);
  } else if (tag >= 0xd0) {
    // Sign-extend from the stored width.
    const unsigned shift = static_cast<unsigned>(64 - 8 * size);
    token.integer = static_cast<std::int64_t>(raw << shift) >> shift;
  } else if (raw > static_cast<std::uint64_t>(INT64_MAX)) {
    token.kind = NumberToken::Kind::big_unsigned;
    token.unsigned_ = raw;
  } else {
    token.integer = static_cast<std::int64_t>(raw);
  }
  return token;
}

bool MsgpackCursor::next_is_nil() {
  if (failed_ || !need(1) || static_cast<std::uint8_t>(bytes_[position_]) != 0xc0) return false;
  ++position_;
  return true;
}

bool MsgpackCursor::next_is_str() const {
  if (failed_ || !need(1)) return false;
  const auto tag = static_cast<std::uint8_t>(bytes_[position_]);
  return (tag & 0xe0) == 0xa0 || (tag >= 0xd9 && tag <= 0xdb);
}

bool MsgpackCursor::skip_value(bool as_key) {
  if (failed_ || !need(1)) return fail();
  const auto tag = static_cast<std::uint8_t>(bytes_[position_]);
  const bool is_map = (tag & 0xf0) == 0x80 || tag == 0xde || tag == 0xdf;
  const bool is_array = (tag & 0xf0) == 0x90 || tag == 0xdc || tag == 0xdd;
  if (is_map || is_array) {
    // Python cannot hash a list or dict, so Locust's master dies on such a key.
    if (as_key) return fail();
    ++position_;
    const auto count = counted_header(tag, is_map);
    if (!count) return false;
    for (std::uint32_t i = 0; i < *count; ++i) {
      if (is_map && !skip_value(true)) return false;
      if (!skip_value(false)) return false;
    }
    --depth_;
    return true;
  }
  if (tag == 0xc0 || tag == 0xc2 || tag == 0xc3) {
    ++position_;
    return true;
  }
  if (next_is_str()) return str().has_value();
  if (tag >= 0xc4 && tag <= 0xc6) return bin().has_value();
  // What is left is a number, or a tag decode_value refuses (ext, 0xc1).
  return number().has_value();
}

std::optional<std::string_view> MsgpackCursor::skip(bool as_key) {
  const std::size_t start = position_;
  if (!skip_value(as_key)) return std::nullopt;
  return bytes_.substr(start, position_ - start);
}

}  // namespace cicada::proto::detail
