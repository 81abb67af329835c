// The HTTP/1.1 response parser: whole responses, responses split at every
// byte, chunked bodies, framing rules and malformed input.
#include "response_parser.hpp"

#include <doctest/doctest.h>

#include <string>

namespace cicada::http::detail {
namespace {

struct Parsed {
  ResponseParser::Result result = ResponseParser::Result::kNeedMore;
  ResponseParser parser;
  ByteBuffer buffer;
  std::string body() const { return std::string(parser.body(buffer)); }
};

/// Feeds `wire` in pieces of `piece` bytes, parsing after each, as reads do.
Parsed feed(std::string_view wire, std::size_t piece, bool head_request = false,
            std::uint64_t max_body = 1 << 20) {
  Parsed parsed;
  parsed.parser.reset(head_request, max_body);
  std::size_t at = 0;
  while (at < wire.size() && parsed.result == ResponseParser::Result::kNeedMore) {
    const auto n = std::min(piece, wire.size() - at);
    parsed.buffer.append(wire.substr(at, n));
    at += n;
    parsed.result = parsed.parser.parse(parsed.buffer);
  }
  return parsed;
}

std::string header_value(const Parsed& parsed, std::string_view name) {
  for (const auto& span : parsed.parser.headers()) {
    if (iequals(parsed.buffer.view(span.name_at, span.name_size), name))
      return std::string(parsed.buffer.view(span.value_at, span.value_size));
  }
  return "<none>";
}

constexpr std::string_view kSimple =
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Id:  42 \r\n\r\nhello";

}  // namespace

TEST_CASE("a response with Content-Length parses the same whole or one byte at a time") {
  for (std::size_t piece : {kSimple.size(), std::size_t{1}, std::size_t{7}}) {
    CAPTURE(piece);
    const Parsed parsed = feed(kSimple, piece);
    REQUIRE(parsed.result == ResponseParser::Result::kDone);
    CHECK(parsed.parser.status() == 200);
    CHECK(parsed.parser.reason(parsed.buffer) == "OK");
    CHECK(parsed.body() == "hello");
    CHECK(header_value(parsed, "x-id") == "42");
    CHECK(parsed.parser.keep_alive(parsed.buffer));
  }
}

TEST_CASE("a chunked body is decoded in place, with extensions and trailers, at any split") {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (std::size_t piece = 1; piece <= wire.size(); piece += 3) {
    CAPTURE(piece);
    const Parsed parsed = feed(wire, piece);
    REQUIRE(parsed.result == ResponseParser::Result::kDone);
    CHECK(parsed.body() == "hello world");
    CHECK(parsed.parser.keep_alive(parsed.buffer));
  }
}

TEST_CASE("responses without a body: HEAD, 204 and 304") {
  SUBCASE("HEAD ignores Content-Length") {
    const Parsed parsed = feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 4, true);
    REQUIRE(parsed.result == ResponseParser::Result::kDone);
    CHECK(parsed.body().empty());
    CHECK(parsed.parser.keep_alive(parsed.buffer));
  }
  SUBCASE("204") {
    const Parsed parsed = feed("HTTP/1.1 204 No Content\r\n\r\n", 100);
    REQUIRE(parsed.result == ResponseParser::Result::kDone);
    CHECK(parsed.parser.status() == 204);
  }
  SUBCASE("304") {
    const Parsed parsed = feed("HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n", 100);
    REQUIRE(parsed.result == ResponseParser::Result::kDone);
  }
}

TEST_CASE("a body without length ends with the connection, which is not reused") {
  Parsed parsed = feed("HTTP/1.1 200 OK\r\n\r\nuntil close", 5);
  CHECK(parsed.result == ResponseParser::Result::kNeedMore);
  REQUIRE(parsed.parser.finish_at_eof(parsed.buffer) == ResponseParser::Result::kDone);
  CHECK(parsed.body() == "until close");
  CHECK_FALSE(parsed.parser.keep_alive(parsed.buffer));
}

TEST_CASE("keep-alive follows HTTP/1.0, Connection headers and stray bytes") {
  CHECK_FALSE(feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 64)
                  .parser.keep_alive({}));
  const Parsed old = feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 64);
  CHECK_FALSE(old.parser.keep_alive(old.buffer));
  const Parsed old_kept =
      feed("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 64);
  CHECK(old_kept.parser.keep_alive(old_kept.buffer));
  // Bytes beyond the response would be read as the next response: the connection must go.
  const Parsed stray = feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokJUNK", 64);
  REQUIRE(stray.result == ResponseParser::Result::kDone);
  CHECK(stray.body() == "ok");
  CHECK_FALSE(stray.parser.keep_alive(stray.buffer));
}

TEST_CASE("an interim 100 Continue is skipped") {
  const Parsed parsed =
      feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nhi", 3);
  REQUIRE(parsed.result == ResponseParser::Result::kDone);
  CHECK(parsed.parser.status() == 201);
  CHECK(parsed.body() == "hi");
}

TEST_CASE("a folded header value is joined to its header") {
  const Parsed parsed =
      feed("HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\nContent-Length: 0\r\n\r\n", 64);
  REQUIRE(parsed.result == ResponseParser::Result::kDone);
  CHECK(header_value(parsed, "X-Long") == "a\r\n  b");
}

TEST_CASE("malformed responses are errors naming the problem") {
  SUBCASE("bytes that are not HTTP fail at once, not after 64 KiB") {
    const Parsed parsed = feed("garbage that never ends", 64);
    CHECK(parsed.result == ResponseParser::Result::kError);
    CHECK(parsed.parser.error() == ResponseParser::Error::kBadStatusLine);
  }
  SUBCASE("a status that is not three digits") {
    CHECK(feed("HTTP/1.1 2x0 OK\r\n\r\n", 64).parser.error() ==
          ResponseParser::Error::kBadStatusLine);
  }
  SUBCASE("a header line without a colon") {
    CHECK(feed("HTTP/1.1 200 OK\r\nnocolon\r\n\r\n", 64).parser.error() ==
          ResponseParser::Error::kBadHeader);
  }
  SUBCASE("a Content-Length that is not a number, or two that differ") {
    CHECK(feed("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 64).parser.error() ==
          ResponseParser::Error::kBadContentLength);
    CHECK(feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 64)
              .parser.error() == ResponseParser::Error::kBadContentLength);
  }
  SUBCASE("a chunk size that is not hex") {
    CHECK(feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 64).parser.error() ==
          ResponseParser::Error::kBadChunk);
  }
  SUBCASE("a head over 64 KiB") {
    std::string wire = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(70 * 1024, 'a');
    CHECK(feed(wire, 4096).parser.error() == ResponseParser::Error::kHeaderTooLarge);
  }
}

TEST_CASE("a body over the limit is refused from its Content-Length or as chunks arrive") {
  CHECK(feed("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", 64, false, 10).parser.error() ==
        ResponseParser::Error::kBodyTooLarge);
  CHECK(feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n", 64,
             false, 10)
            .parser.error() == ResponseParser::Error::kBodyTooLarge);
  Parsed endless = feed("HTTP/1.1 200 OK\r\n\r\n" + std::string(20, 'x'), 64, false, 10);
  CHECK(endless.parser.error() == ResponseParser::Error::kBodyTooLarge);
}

TEST_CASE("a cut-off body says how much of it arrived") {
  const Parsed parsed = feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 64);
  CHECK(parsed.result == ResponseParser::Result::kNeedMore);
  CHECK(parsed.parser.body_size() == 3);
  CHECK(parsed.parser.content_length() == 10u);
}

}  // namespace cicada::http::detail
