#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "cicada/proto/envelope.hpp"

namespace cicada::proto::detail {

/// A number as msgpack carries it, before anyone decides what it means.
struct NumberToken {
  enum class Kind { integer, big_unsigned, floating };
  Kind kind = Kind::integer;
  std::int64_t integer = 0;     ///< Kind::integer: any int that fits int64
  std::uint64_t unsigned_ = 0;  ///< Kind::big_unsigned: a uint64 above INT64_MAX
  double floating = 0;          ///< Kind::floating: float32 or float64
};

/// Reads msgpack forward without building values: the hot path for messages
/// whose shape we know (the master reads thousands of `stats` reports a
/// second). It accepts exactly what `decode_value` accepts (the same limits,
/// strict UTF-8, no ext types, no list or dict keys). It never explains a
/// problem: a read that fails leaves the cursor failed, and the caller decodes
/// the message again with `decode_value`, whose error names it.
class MsgpackCursor {
 public:
  /// `depth`: containers already open around `bytes` (they count against max_depth).
  MsgpackCursor(std::string_view bytes, const DecodeLimits& limits, std::size_t depth = 0);

  bool failed() const { return failed_; }
  bool at_end() const { return !failed_ && position_ == bytes_.size(); }
  std::size_t position() const { return position_; }

  /// Each read consumes one value of its kind, or fails the cursor.
  std::optional<std::uint32_t> array_header();
  std::optional<std::uint32_t> map_header();
  std::optional<std::string_view> str();
  std::optional<std::string_view> bin();
  std::optional<NumberToken> number();

  /// True (and consumed) when the next value is nil; nothing is consumed otherwise.
  bool next_is_nil();
  /// True when the next value is a str; nothing is consumed.
  bool next_is_str() const;
  /// Consumes one whole value, checking it as decode_value would (`as_key`: as
  /// a map key, which may not be a list or dict). Returns its bytes.
  std::optional<std::string_view> skip(bool as_key = false);

  /// Tells the cursor a container read by array_header/map_header has been read through.
  void leave_container() { --depth_; }

 private:
  bool fail();
  std::nullopt_t none();  ///< fails the cursor; for reads that return an optional
  bool need(std::size_t count) const { return bytes_.size() - position_ >= count; }
  std::uint64_t big_endian(std::size_t size);
  std::optional<std::uint32_t> container_header(bool map);
  std::optional<std::uint32_t> counted_header(std::uint8_t tag, bool map);
  bool open_container(std::uint64_t count, bool map);
  std::optional<std::string_view> take(std::uint64_t size, bool text);
  std::optional<std::string_view> take_sized(std::size_t length_bytes, bool text);
  bool skip_value(bool as_key);

  std::string_view bytes_;
  const DecodeLimits& limits_;
  std::size_t position_ = 0;
  std::size_t depth_;
  bool failed_ = false;
};

}  // namespace cicada::proto::detail
