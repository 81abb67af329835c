#pragma once

#include <memory>
#include <string>

#include "byte_buffer.hpp"
#include "response_parser.hpp"

namespace cicada::http::detail {

/// The memory one request needs while it is in flight and while its Response
/// lives: the request head, the final URL, the stats name and method, the
/// received bytes and their parse. Taken from a per-thread pool (one pool per
/// event loop) and given back by ~Response, so a waiting user holds none and a
/// busy loop allocates none once the pool is warm.
struct Exchange {
  std::string request_head;
  std::string method;
  std::string name;
  std::string url;
  std::string target;
  ByteBuffer buffer;
  ResponseParser parser;
  /// The body after gzip/deflate decoding, when the response was encoded.
  std::string decoded_body;
  bool body_is_decoded = false;
};

/// Takes an Exchange from this thread's pool (or makes one).
std::unique_ptr<Exchange> acquire_exchange();
/// Gives it back; large buffers are freed rather than kept.
void release_exchange(std::unique_ptr<Exchange> exchange);

}  // namespace cicada::http::detail
