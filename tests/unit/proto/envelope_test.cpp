#include "cicada/proto/envelope.hpp"

#include <doctest/doctest.h>

#include <limits>

#include "support/hex.hpp"

namespace cicada::proto {

namespace {
std::string hex_of(const Value& value) {
  return test::to_hex(encode_value(value));
}

std::string decode_error(std::string_view hex) {
  auto result = decode_envelope(test::from_hex(hex));
  REQUIRE_FALSE(result.has_value());
  return result.error().message;
}
}  // namespace

TEST_CASE("scalars encode in Python msgpack's smallest forms") {
  // The reference's section 9.1 scalar table (python3-msgpack 1.0.3).
  CHECK(hex_of(0) == "00");
  CHECK(hex_of(127) == "7f");
  CHECK(hex_of(128) == "cc80");
  CHECK(hex_of(255) == "ccff");
  CHECK(hex_of(256) == "cd0100");
  CHECK(hex_of(65535) == "cdffff");
  CHECK(hex_of(65536) == "ce00010000");
  CHECK(hex_of(4294967295LL) == "ceffffffff");
  CHECK(hex_of(4294967296LL) == "cf0000000100000000");
  CHECK(hex_of(-1) == "ff");
  CHECK(hex_of(-32) == "e0");
  CHECK(hex_of(-33) == "d0df");
  CHECK(hex_of(-128) == "d080");
  CHECK(hex_of(-129) == "d1ff7f");
  CHECK(hex_of(0.0) == "cb0000000000000000");
  CHECK(hex_of(12.5) == "cb4029000000000000");
  CHECK(hex_of(true) == "c3");
  CHECK(hex_of(false) == "c2");
  CHECK(hex_of(Value()) == "c0");
  CHECK(hex_of(Value(Value::Binary{std::string("\x01\x02")})) == "c4020102");
  CHECK(hex_of(std::string(31, 'a')).substr(0, 2) == "bf");
  CHECK(hex_of(std::string(32, 'a')).substr(0, 4) == "d920");
  CHECK(hex_of(std::string(255, 'a')).substr(0, 4) == "d9ff");
  CHECK(hex_of(std::string(256, 'a')).substr(0, 6) == "da0100");
}

TEST_CASE("every msgpack value decodes to what was encoded") {
  const Value value(Value::Array{
      Value(),
      true,
      false,
      0,
      -1,
      std::numeric_limits<std::int64_t>::min(),
      std::numeric_limits<std::uint64_t>::max(),
      1.5,
      "text",
      Value(Value::Binary{"\x00\x01"}),
      Value(
          Value::Map{{Value(150.0), Value(1)}, {Value(7), Value("seven")}, {Value("k"), Value()}}),
  });
  auto decoded = decode_value(encode_value(value));
  REQUIRE(decoded);
  CHECK(*decoded == value);
}

TEST_CASE("decoding accepts the older str and float forms other encoders use") {
  SUBCASE("str16 for a short string (msgpack < 1.0 without str8)") {
    auto value =
        decode_value(test::from_hex("da0002"
                                    "6869"));
    REQUIRE(value);
    CHECK(*value->as_string() == "hi");
  }
  SUBCASE("float32") {
    auto value = decode_value(test::from_hex("ca3fc00000"));
    REQUIRE(value);
    CHECK(value->as_double() == 1.5);
  }
}

TEST_CASE("envelopes round-trip with type, data and node id") {
  const Envelope envelope{"heartbeat", make_map({{"state", "running"}}), "host_abc"};
  auto decoded = decode_envelope(encode_envelope(envelope));
  REQUIRE(decoded);
  CHECK(*decoded == envelope);
}

TEST_CASE("bad frames are errors that name the problem") {
  CHECK(decode_error("") == "empty frame");
  CHECK(decode_error("93a3616263") == "truncated msgpack: 5 bytes end inside a value");
  CHECK(decode_error("c1") == "malformed msgpack at byte 0");
  CHECK(decode_error("92a161c0") == "message has 2 elements, expected 3 (type, data, node_id)");
  CHECK(decode_error("a3616263") == "message is a str, expected a 3-element list");
  CHECK(decode_error("9301c0a16e") == "message type is a int, expected str");
  CHECK(decode_error("93a178c001") == "'x' message node_id is a int, expected str");
  CHECK(decode_error("93a178c0a16e00") == "1 trailing bytes after the msgpack value");
  CHECK(decode_error("93a2c328c0a16e") == "str is not valid UTF-8");
  CHECK(decode_error("93a178d40100a16e") == "msgpack ext types are not used by Locust");
  CHECK(decode_error("93a17881900100a16e") == "map key is a list");
  SUBCASE("overlong UTF-8 and surrogates are rejected like Python does") {
    CHECK(decode_error("93a2c0afc0a16e") == "str is not valid UTF-8");
    CHECK(decode_error("93a3eda080c0a16e") == "str is not valid UTF-8");
  }
}

TEST_CASE("limits stop hostile sizes and depths before allocating") {
  SUBCASE("a header claiming 4 billion elements in a 6-byte frame") {
    CHECK(decode_error("ddffffffff00") == "container of 4294967295 elements exceeds the limit");
  }
  SUBCASE("a huge claimed size under the limit does not allocate it") {
    DecodeLimits limits;
    limits.max_container_size = std::numeric_limits<std::uint32_t>::max();
    auto result = decode_value(test::from_hex("ddffffffff00"), limits);
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "truncated msgpack: 6 bytes end inside a value");
  }
  SUBCASE("nesting deeper than the limit") {
    std::string deep(100, '\x91');
    deep.push_back('\xc0');
    auto result = decode_value(deep);
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "nesting deeper than 32 levels");
  }
  SUBCASE("a string longer than the limit") {
    DecodeLimits limits;
    limits.max_string_bytes = 4;
    auto result = decode_value(test::from_hex("a568656c6c6f"), limits);
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "str of 5 bytes exceeds the limit");
  }
}

}  // namespace cicada::proto
