// Value <-> msgpack bytes, and the envelope. msgpack_cursor.cpp reads the same
// format without building values, for the messages whose shape we know.
#include <msgpack.hpp>

#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "cicada/proto/envelope.hpp"
#include "msgpack_cursor.hpp"
#include "utf8.hpp"

namespace cicada::proto {
namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;

void pack(Packer& packer, msgpack::sbuffer& buffer, const Value& value);

// Python always writes a float as float64. msgpack-c 4.1's pack_double writes
// integral doubles (0.0, 1700000000.0) as ints instead, which changes both the
// bytes and the type Python sees, so the float64 form is written by hand.
void pack_float64(msgpack::sbuffer& buffer, double d) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &d, sizeof bits);
  char bytes[9];
  bytes[0] = static_cast<char>(0xcb);
  for (int i = 0; i < 8; ++i) bytes[1 + i] = static_cast<char>((bits >> (56 - 8 * i)) & 0xff);
  buffer.write(bytes, sizeof bytes);
}

struct PackVisitor {
  Packer& packer;
  msgpack::sbuffer& buffer;
  void operator()(Value::Nil) const { packer.pack_nil(); }
  void operator()(bool b) const { b ? packer.pack_true() : packer.pack_false(); }
  void operator()(std::int64_t i) const { packer.pack_int64(i); }
  void operator()(std::uint64_t u) const { packer.pack_uint64(u); }
  void operator()(double d) const { pack_float64(buffer, d); }
  void operator()(const std::string& s) const {
    packer.pack_str(static_cast<std::uint32_t>(s.size()));
    packer.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
  }
  void operator()(const Value::Binary& b) const {
    packer.pack_bin(static_cast<std::uint32_t>(b.bytes.size()));
    packer.pack_bin_body(b.bytes.data(), static_cast<std::uint32_t>(b.bytes.size()));
  }
  void operator()(const Value::Array& array) const {
    packer.pack_array(static_cast<std::uint32_t>(array.size()));
    for (const auto& item : array) pack(packer, buffer, item);
  }
  void operator()(const Value::Map& map) const {
    packer.pack_map(static_cast<std::uint32_t>(map.size()));
    for (const auto& entry : map) {
      pack(packer, buffer, entry.key);
      pack(packer, buffer, entry.value);
    }
  }
};

void pack(Packer& packer, msgpack::sbuffer& buffer, const Value& value) {
  std::visit(PackVisitor{packer, buffer}, value.storage());
}

// Builds a Value from msgpack-c's SAX-style parser. Containers are allocated
// from what actually arrives, never from the size a header claims, so a short
// frame cannot make us reserve gigabytes.
class ValueBuilder : public msgpack::null_visitor {
 public:
  ValueBuilder(const DecodeLimits& limits, std::size_t input_bytes)
      : limits_(limits), input_bytes_(input_bytes) {}

  bool visit_nil() { return deliver(Value()); }
  bool visit_boolean(bool v) { return deliver(Value(v)); }
  bool visit_positive_integer(std::uint64_t v) { return deliver(Value(v)); }
  bool visit_negative_integer(std::int64_t v) { return deliver(Value(static_cast<long long>(v))); }
  bool visit_float32(float v) { return deliver(Value(static_cast<double>(v))); }
  bool visit_float64(double v) { return deliver(Value(v)); }
  bool visit_str(const char* data, std::uint32_t size) {
    if (size > limits_.max_string_bytes)
      return fail("str of " + std::to_string(size) + " bytes exceeds the limit");
    std::string_view text(data, size);
    if (!detail::is_valid_utf8(text)) return fail("str is not valid UTF-8");
    return deliver(Value(text));
  }
  bool visit_bin(const char* data, std::uint32_t size) {
    if (size > limits_.max_string_bytes)
      return fail("bin of " + std::to_string(size) + " bytes exceeds the limit");
    return deliver(Value(Value::Binary{std::string(data, size)}));
  }
  bool visit_ext(const char*, std::uint32_t) {
    return fail("msgpack ext types are not used by Locust");
  }

  bool start_array(std::uint32_t count) {
    if (!open_container(count)) return false;
    Value::Array array;
    array.reserve(std::min<std::size_t>(count, input_bytes_));
    stack_.push_back(Frame{Value(std::move(array)), {}, false});
    return true;
  }
  bool end_array() { return close_container(); }

  bool start_map(std::uint32_t count) {
    if (!open_container(count)) return false;
    Value::Map map;
    map.reserve(std::min<std::size_t>(count, input_bytes_ / 2));
    stack_.push_back(Frame{Value(std::move(map)), {}, false});
    return true;
  }
  bool start_map_key() {
    stack_.back().reading_key = true;
    return true;
  }
  bool end_map_key() {
    stack_.back().reading_key = false;
    return true;
  }
  bool end_map() { return close_container(); }

  void parse_error(std::size_t, std::size_t error_offset) {
    fail("malformed msgpack at byte " + std::to_string(error_offset));
  }
  void insufficient_bytes(std::size_t, std::size_t) {
    fail("truncated msgpack: " + std::to_string(input_bytes_) + " bytes end inside a value");
  }

  const std::string& error() const { return error_; }
  Value take_root() { return std::move(root_); }

 private:
  struct Frame {
    Value container;
    Value pending_key;
    bool reading_key;
  };

  bool open_container(std::uint32_t count) {
    if (stack_.size() >= limits_.max_depth) {
      return fail("nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    if (count > limits_.max_container_size) {
      return fail("container of " + std::to_string(count) + " elements exceeds the limit");
    }
    return true;
  }

  bool close_container() {
    Value done = std::move(stack_.back().container);
    stack_.pop_back();
    return deliver(std::move(done));
  }

  bool deliver(Value value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return true;
    }
    Frame& top = stack_.back();
    if (auto* array = top.container.as_array()) {
      array->push_back(std::move(value));
      return true;
    }
    if (top.reading_key) {
      // Python raises "unhashable type" for list/dict keys; Locust's master dies on it.
      if (value.is_array() || value.is_map())
        return fail("map key is a " + std::string(value.type_name()));
      top.pending_key = std::move(value);
      return true;
    }
    top.container.as_map()->push_back(KeyValue{std::move(top.pending_key), std::move(value)});
    return true;
  }

  bool fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  const DecodeLimits& limits_;
  std::size_t input_bytes_;
  std::vector<Frame> stack_;
  Value root_;
  std::string error_;
};

}  // namespace

std::string encode_value(const Value& value) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  pack(packer, buffer, value);
  return std::string(buffer.data(), buffer.size());
}

Result<Value> decode_value(std::string_view bytes, const DecodeLimits& limits) {
  if (bytes.empty()) return proto_error("empty frame");
  ValueBuilder builder(limits, bytes.size());
  std::size_t offset = 0;
  bool parsed = false;
  try {
    parsed = msgpack::parse(bytes.data(), bytes.size(), offset, builder);
  } catch (const std::exception& e) {
    return proto_error(std::string("malformed msgpack: ") + e.what());
  }
  if (!parsed) {
    return proto_error(builder.error().empty() ? "malformed msgpack" : builder.error());
  }
  if (offset != bytes.size()) {
    return proto_error(std::to_string(bytes.size() - offset) +
                       " trailing bytes after the msgpack value");
  }
  return builder.take_root();
}

std::string encode_envelope(const Envelope& envelope) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  packer.pack_array(3);
  pack(packer, buffer, Value(envelope.type));
  pack(packer, buffer, envelope.data);
  pack(packer, buffer, Value(envelope.node_id));
  return std::string(buffer.data(), buffer.size());
}

Result<Envelope> decode_envelope(std::string_view bytes, const DecodeLimits& limits) {
  auto value = decode_value(bytes, limits);
  if (!value) return tl::unexpected(value.error());
  auto* parts = value->as_array();
  if (parts == nullptr) {
    return proto_error("message is a " + std::string(value->type_name()) +
                       ", expected a 3-element list");
  }
  if (parts->size() != 3) {
    return proto_error("message has " + std::to_string(parts->size()) +
                       " elements, expected 3 (type, data, node_id)");
  }
  const auto* type = (*parts)[0].as_string();
  if (type == nullptr) {
    return proto_error("message type is a " + std::string((*parts)[0].type_name()) +
                       ", expected str");
  }
  const auto* node_id = (*parts)[2].as_string();
  if (node_id == nullptr) {
    return proto_error("'" + *type + "' message node_id is a " +
                       std::string((*parts)[2].type_name()) + ", expected str");
  }
  return Envelope{*type, std::move((*parts)[1]), *node_id};
}

Result<EnvelopeView> split_envelope(std::string_view bytes, const DecodeLimits& limits) {
  detail::MsgpackCursor cursor(bytes, limits);
  EnvelopeView view;
  if (cursor.array_header() == 3u) {
    const auto type = cursor.str();
    const auto data = type ? cursor.skip() : std::nullopt;
    const auto node_id = data ? cursor.str() : std::nullopt;
    if (node_id && cursor.at_end()) return EnvelopeView{*type, *data, *node_id};
  }
  // Something is off: the full decoder names it.
  auto envelope = decode_envelope(bytes, limits);
  if (!envelope) return tl::unexpected(envelope.error());
  // Unreachable while the two readers agree, which the decoder tests check.
  return proto_error("the frame decodes but could not be split (a cicada bug)");
}

Result<Envelope> decode_envelope(const EnvelopeView& frame, const DecodeLimits& limits) {
  auto data = decode_value(frame.data, limits);
  if (!data) return tl::unexpected(data.error());
  return Envelope{std::string(frame.type), std::move(*data), std::string(frame.node_id)};
}

}  // namespace cicada::proto
