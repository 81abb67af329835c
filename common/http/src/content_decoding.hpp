#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cicada::http::detail {

/// True for the Content-Encoding values decoded here: gzip, x-gzip, deflate.
bool is_decodable_encoding(std::string_view content_encoding);

/// Decodes a gzip or deflate body (zlib-wrapped, or raw as some servers send
/// it) into `out`, which is reused. Returns the failure in python-requests'
/// words ("ContentDecodingError(...)"), or "" when it worked. A decoded body
/// over `max_bytes` fails too: a small compressed answer cannot make a user
/// hold gigabytes.
std::string decode_content(std::string_view content_encoding, std::string_view body,
                           std::size_t max_bytes, std::string& out);

}  // namespace cicada::http::detail
