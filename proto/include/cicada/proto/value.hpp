#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cicada::proto {

struct KeyValue;

/// A decoded msgpack value, shaped like what Python's msgpack gives Locust:
/// nil, bool, int, float, str, bytes, list, dict. Maps keep insertion order
/// because Python dicts do and the bytes on the wire depend on it.
///
/// Integers: negative values are held as `std::int64_t`, non-negative ones as
/// `std::uint64_t`, so the whole msgpack integer range round-trips.
class Value {
 public:
  struct Nil {
    friend bool operator==(Nil, Nil) = default;
  };
  /// msgpack `bin`: raw bytes (Python `bytes`), distinct from text.
  struct Binary {
    std::string bytes;
    friend bool operator==(const Binary&, const Binary&) = default;
  };
  using Array = std::vector<Value>;
  using Map = std::vector<KeyValue>;

  // Defined below KeyValue: building the variant needs Map's element type
  // complete, which it is not yet inside this class (clang insists).
  Value();
  Value(std::nullptr_t);
  Value(bool b);
  Value(int i);
  Value(long i);
  Value(long long i);
  Value(unsigned i);
  Value(unsigned long i);
  Value(unsigned long long i);
  Value(double d);
  Value(std::string s);
  Value(std::string_view s);
  Value(const char* s);
  Value(Binary b);
  Value(Array a);
  Value(Map m);

  bool is_nil() const { return std::holds_alternative<Nil>(data_); }
  bool is_bool() const { return std::holds_alternative<bool>(data_); }
  /// True for any integer, signed or unsigned.
  bool is_integer() const {
    return std::holds_alternative<std::int64_t>(data_) ||
           std::holds_alternative<std::uint64_t>(data_);
  }
  bool is_float() const { return std::holds_alternative<double>(data_); }
  /// True for integers and floats: what Python accepts as a number.
  bool is_number() const { return is_integer() || is_float(); }
  bool is_string() const { return std::holds_alternative<std::string>(data_); }
  bool is_binary() const { return std::holds_alternative<Binary>(data_); }
  bool is_array() const { return std::holds_alternative<Array>(data_); }
  bool is_map() const { return std::holds_alternative<Map>(data_); }

  /// The value as a signed integer, if it is an integer that fits.
  std::optional<std::int64_t> as_int() const;
  /// The value as a double, if it is a number (integers convert).
  std::optional<double> as_double() const;
  const bool* as_bool() const { return std::get_if<bool>(&data_); }
  const std::string* as_string() const { return std::get_if<std::string>(&data_); }
  const Binary* as_binary() const { return std::get_if<Binary>(&data_); }
  const Array* as_array() const { return std::get_if<Array>(&data_); }
  const Map* as_map() const { return std::get_if<Map>(&data_); }
  Array* as_array() { return std::get_if<Array>(&data_); }
  Map* as_map() { return std::get_if<Map>(&data_); }

  /// For a map: the value of the first entry whose key is the string `key`.
  const Value* find(std::string_view key) const;

  /// Python-ish name of the held type, for error messages ("int", "str", ...).
  std::string_view type_name() const;

  using Storage =
      std::variant<Nil, bool, std::int64_t, std::uint64_t, double, std::string, Binary, Array, Map>;
  const Storage& storage() const { return data_; }

  friend bool operator==(const Value& a, const Value& b);

 private:
  static Storage from_signed(std::int64_t i);

  Storage data_;
};

/// One map entry. Keys may be any value (Locust's stats maps use numbers).
struct KeyValue {
  Value key;
  Value value;
  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

inline Value::Storage Value::from_signed(std::int64_t i) {
  if (i >= 0) return Storage{static_cast<std::uint64_t>(i)};
  return Storage{i};
}
inline Value::Value() = default;
inline Value::Value(std::nullptr_t) {}
inline Value::Value(bool b) : data_(b) {}
inline Value::Value(int i) : data_(from_signed(i)) {}
inline Value::Value(long i) : data_(from_signed(i)) {}
inline Value::Value(long long i) : data_(from_signed(i)) {}
inline Value::Value(unsigned i) : data_(static_cast<std::uint64_t>(i)) {}
inline Value::Value(unsigned long i) : data_(static_cast<std::uint64_t>(i)) {}
inline Value::Value(unsigned long long i) : data_(static_cast<std::uint64_t>(i)) {}
inline Value::Value(double d) : data_(d) {}
inline Value::Value(std::string s) : data_(std::move(s)) {}
inline Value::Value(std::string_view s) : data_(std::string(s)) {}
inline Value::Value(const char* s) : data_(std::string(s)) {}
inline Value::Value(Binary b) : data_(std::move(b)) {}
inline Value::Value(Array a) : data_(std::move(a)) {}
inline Value::Value(Map m) : data_(std::move(m)) {}

inline bool operator==(const Value& a, const Value& b) {
  return a.data_ == b.data_;
}

/// Builds a map value from string keys, in the order given.
Value make_map(std::initializer_list<std::pair<std::string_view, Value>> entries);

}  // namespace cicada::proto
