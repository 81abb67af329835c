#pragma once

#include <string>
#include <string_view>

#include "cicada/proto/error.hpp"
#include "cicada/proto/value.hpp"

namespace cicada::proto {

/// Locust's `Message(type, data, node_id)`: on the wire one msgpack array
/// `[type, data, node_id]`. Worker to master, node_id is the sender; master
/// to worker, it is the recipient.
struct Envelope {
  std::string type;
  Value data;
  std::string node_id;
  friend bool operator==(const Envelope&, const Envelope&) = default;
};

/// A frame split into its three parts with the data left as msgpack bytes.
/// The views point into the frame, which must outlive them.
struct EnvelopeView {
  std::string_view type;
  std::string_view data;  ///< one whole msgpack value, already checked
  std::string_view node_id;
};

/// Limits applied while decoding bytes from the network. The defaults are far
/// above anything Locust sends and far below what would exhaust memory.
struct DecodeLimits {
  std::size_t max_depth = 32;                  ///< nesting of arrays/maps
  std::size_t max_container_size = 1'000'000;  ///< elements of one array or map
  std::size_t max_string_bytes = 64u << 20;    ///< one str or bin
};

/// Encodes a value exactly as Python's msgpack >= 1.0 does with default
/// settings (smallest int forms, float64 for floats, str8 for 32..255 bytes).
std::string encode_value(const Value& value);

/// Decodes one msgpack value. Trailing bytes, truncation, invalid UTF-8 in a
/// str, ext types and nesting beyond the limits are errors. Never throws.
Result<Value> decode_value(std::string_view bytes, const DecodeLimits& limits = {});

/// Encodes an envelope as Locust's `Message.serialize()` does.
std::string encode_envelope(const Envelope& envelope);

/// Decodes one frame into an envelope: a 3-element array of (str, any, str).
/// Never throws; the error names what was wrong.
Result<Envelope> decode_envelope(std::string_view bytes, const DecodeLimits& limits = {});

/// Splits one frame without building its data, so a message of a known shape
/// can be read straight from the bytes (the master's `stats` reports).
/// Accepts and refuses exactly what decode_envelope does, with its errors.
Result<EnvelopeView> split_envelope(std::string_view bytes, const DecodeLimits& limits = {});

/// The envelope of a split frame, its data decoded.
Result<Envelope> decode_envelope(const EnvelopeView& frame, const DecodeLimits& limits = {});

}  // namespace cicada::proto
