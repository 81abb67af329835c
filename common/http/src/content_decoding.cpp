#include "content_decoding.hpp"

#include <zlib.h>

#include <algorithm>

#include "ascii.hpp"
#include "cicada/stats/stats_error.hpp"

namespace cicada::http::detail {
namespace {

enum class Inflated { kDone, kCorrupt, kTooLarge };

/// Inflates with zlib's `window_bits` (15 + 32: zlib or gzip header, detected;
/// -15: raw deflate).
Inflated inflate_all(std::string_view body, int window_bits, std::size_t max_bytes,
                     std::string& out) {
  z_stream stream{};
  if (inflateInit2(&stream, window_bits) != Z_OK) return Inflated::kCorrupt;
  out.clear();
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  Inflated result = Inflated::kCorrupt;
  while (true) {
    if (out.size() >= max_bytes) {
      result = Inflated::kTooLarge;
      break;
    }
    const std::size_t chunk =
        std::min<std::size_t>(std::max<std::size_t>(body.size() * 4, 4096), max_bytes - out.size());
    const std::size_t before = out.size();
    out.resize(before + chunk);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + before);
    stream.avail_out = static_cast<uInt>(chunk);
    const int status = inflate(&stream, Z_NO_FLUSH);
    out.resize(before + chunk - stream.avail_out);
    if (status == Z_STREAM_END) {
      result = Inflated::kDone;
      break;
    }
    // Out of input before the end, or a broken stream.
    if (status != Z_OK && status != Z_BUF_ERROR) break;
    if (status == Z_BUF_ERROR && stream.avail_in == 0) break;
  }
  inflateEnd(&stream);
  return result;
}

std::string decoding_error(std::string_view content_encoding, std::string_view why) {
  return "ContentDecodingError(" +
         stats::python_repr(
             "Received response with content-encoding: " + std::string(content_encoding) +
             ", but failed to decode it: " + std::string(why)) +
         ")";
}

}  // namespace

bool is_decodable_encoding(std::string_view content_encoding) {
  return iequals(content_encoding, "gzip") || iequals(content_encoding, "x-gzip") ||
         iequals(content_encoding, "deflate");
}

std::string decode_content(std::string_view content_encoding, std::string_view body,
                           std::size_t max_bytes, std::string& out) {
  Inflated result = inflate_all(body, 15 + 32, max_bytes, out);
  if (result == Inflated::kCorrupt && iequals(content_encoding, "deflate"))
    result = inflate_all(body, -15, max_bytes, out);
  switch (result) {
    case Inflated::kDone:
      return "";
    case Inflated::kTooLarge:
      return decoding_error(
          content_encoding,
          "the decoded body is over " + std::to_string(max_bytes) + " bytes (--max-body-size)");
    case Inflated::kCorrupt:
      break;
  }
  return decoding_error(content_encoding, "not valid " + std::string(content_encoding) + " data");
}

}  // namespace cicada::http::detail
