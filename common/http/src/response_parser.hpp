#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ascii.hpp"
#include "byte_buffer.hpp"

namespace cicada::http::detail {

/// Where one header's name and value sit in the response buffer.
struct HeaderSpan {
  std::uint32_t name_at = 0;
  std::uint32_t name_size = 0;
  std::uint32_t value_at = 0;
  std::uint32_t value_size = 0;
};

/// An incremental HTTP/1.1 response parser over the connection's buffer: call
/// `parse` after every read; it resumes where it stopped. Headers and the body
/// stay in the buffer (chunked bodies are decoded in place), so parsing
/// allocates nothing once the header list has its capacity.
class ResponseParser {
 public:
  enum class Result {
    kNeedMore,  ///< read more bytes and call parse again
    kDone,      ///< a whole response is in the buffer
    kError,     ///< malformed or too large: see error()
  };
  /// What went wrong, for the recorded failure text.
  enum class Error {
    kNone,
    kBadStatusLine,
    kBadHeader,
    kHeaderTooLarge,
    kBadContentLength,
    kBadChunk,
    kBodyTooLarge,
  };

  static constexpr std::size_t kMaxHeadBytes = 64 * 1024;
  static constexpr std::size_t kMaxHeaders = 128;

  /// Prepares for the response to a new request. `no_body`: the request was
  /// HEAD, so no body follows whatever the headers say.
  void reset(bool no_body, std::uint64_t max_body_bytes);

  /// Parses `buffer` (everything received for this response so far).
  Result parse(ByteBuffer& buffer);
  /// The peer closed the connection: completes a close-delimited body.
  Result finish_at_eof(ByteBuffer& buffer);

  Error error() const { return error_; }
  std::string error_text() const;

  bool header_done() const { return state_ > State::kHead; }
  bool done() const { return state_ == State::kDone; }

  int status() const { return status_; }
  int minor_version() const { return minor_version_; }
  std::string_view reason(const ByteBuffer& buffer) const {
    return buffer.view(reason_at_, reason_size_);
  }
  const std::vector<HeaderSpan>& headers() const { return headers_; }
  std::string_view body(const ByteBuffer& buffer) const {
    return buffer.view(body_at_, body_size_);
  }
  std::uint64_t body_size() const { return body_size_; }
  std::optional<std::uint64_t> content_length() const { return content_length_; }
  std::uint64_t max_body_bytes() const { return max_body_bytes_; }
  /// The connection may carry the next request (HTTP/1.1 without "close",
  /// a delimited body, and no bytes beyond this response).
  bool keep_alive(const ByteBuffer& buffer) const;

 private:
  enum class State {
    kHead,
    kFixedBody,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kUntilClose,
    kDone,
    kError
  };

  Result fail(Error error);
  Result parse_head(ByteBuffer& buffer);
  Result parse_chunks(ByteBuffer& buffer);
  bool body_over_limit() const { return body_size_ > max_body_bytes_; }

  State state_ = State::kHead;
  Error error_ = Error::kNone;
  bool no_body_ = false;
  std::uint64_t max_body_bytes_ = 0;
  std::size_t position_ = 0;  // next raw byte to parse
  int status_ = 0;
  int minor_version_ = 1;
  std::uint32_t reason_at_ = 0;
  std::uint32_t reason_size_ = 0;
  std::vector<HeaderSpan> headers_;
  std::optional<std::uint64_t> content_length_;
  bool chunked_ = false;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  std::size_t body_at_ = 0;
  std::uint64_t body_size_ = 0;
  std::uint64_t chunk_left_ = 0;
  std::size_t end_ = 0;  // raw bytes that belong to this response, once done
};

}  // namespace cicada::http::detail
