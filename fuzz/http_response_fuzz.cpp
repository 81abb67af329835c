// Fuzz target: the bytes a target server answers, parsed as the HTTP client
// does: in two reads (split where the first byte says), then the peer closes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "byte_buffer.hpp"
#include "response_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using cicada::http::detail::ByteBuffer;
  using cicada::http::detail::ResponseParser;
  if (size == 0) return 0;
  const bool head_request = (data[0] & 0x80) != 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t split = bytes.empty() ? 0 : data[0] % (bytes.size() + 1);

  ByteBuffer buffer;
  ResponseParser parser;
  parser.reset(head_request, 4096);
  buffer.append(bytes.substr(0, split));
  auto result = parser.parse(buffer);
  if (result == ResponseParser::Result::kNeedMore) {
    buffer.append(bytes.substr(split));
    result = parser.parse(buffer);
  }
  if (result == ResponseParser::Result::kNeedMore) result = parser.finish_at_eof(buffer);
  if (result == ResponseParser::Result::kError) (void)parser.error_text();
  return 0;
}
