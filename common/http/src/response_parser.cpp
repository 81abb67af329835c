#include "response_parser.hpp"
#include "cicada/core/trim.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace cicada::http::detail {
namespace {

bool is_token_char(char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

/// Does the comma-separated header value hold `token`?
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    if (iequals(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

/// The end of the line starting at `from` (the index of its '\n'), or npos.
std::size_t line_end(std::string_view data, std::size_t from) {
  return data.find('\n', from);
}

}  // namespace

void ResponseParser::reset(bool no_body, std::uint64_t max_body_bytes) {
  state_ = State::kHead;
  error_ = Error::kNone;
  no_body_ = no_body;
  max_body_bytes_ = max_body_bytes;
  position_ = 0;
  status_ = 0;
  minor_version_ = 1;
  reason_at_ = reason_size_ = 0;
  headers_.clear();
  content_length_.reset();
  chunked_ = connection_close_ = connection_keep_alive_ = false;
  body_at_ = 0;
  body_size_ = 0;
  chunk_left_ = 0;
  end_ = 0;
}

ResponseParser::Result ResponseParser::fail(Error error) {
  state_ = State::kError;
  error_ = error;
  return Result::kError;
}

std::string ResponseParser::error_text() const {
  switch (error_) {
    case Error::kNone:
      return "";
    case Error::kBadStatusLine:
      return "bad status line";
    case Error::kBadHeader:
      return "bad header line";
    case Error::kHeaderTooLarge:
      return "header larger than 64 KiB or over 128 fields";
    case Error::kBadContentLength:
      return "bad Content-Length";
    case Error::kBadChunk:
      return "bad chunk in chunked body";
    case Error::kBodyTooLarge:
      return "body too large";
  }
  return "";
}

ResponseParser::Result ResponseParser::parse(ByteBuffer& buffer) {
  if (state_ == State::kHead) {
    const Result head = parse_head(buffer);
    if (head != Result::kDone) return head;
  }
  switch (state_) {
    case State::kFixedBody: {
      const std::uint64_t available = buffer.size() - body_at_;
      if (available < *content_length_) {
        body_size_ = available;  // so a cut-off body says how much arrived
        return Result::kNeedMore;
      }
      body_size_ = *content_length_;
      end_ = body_at_ + body_size_;
      state_ = State::kDone;
      return Result::kDone;
    }
    case State::kUntilClose:
      body_size_ = buffer.size() - body_at_;
      if (body_over_limit()) return fail(Error::kBodyTooLarge);
      return Result::kNeedMore;
    case State::kChunkSize:
    case State::kChunkData:
    case State::kChunkDataEnd:
    case State::kTrailers:
      return parse_chunks(buffer);
    case State::kDone:
      return Result::kDone;
    case State::kError:
      return Result::kError;
    case State::kHead:
      break;
  }
  return Result::kNeedMore;
}

ResponseParser::Result ResponseParser::finish_at_eof(ByteBuffer& buffer) {
  if (state_ != State::kUntilClose)
    return state_ == State::kDone ? Result::kDone : Result::kNeedMore;
  body_size_ = buffer.size() - body_at_;
  if (body_over_limit()) return fail(Error::kBodyTooLarge);
  end_ = buffer.size();
  state_ = State::kDone;
  return Result::kDone;
}

ResponseParser::Result ResponseParser::parse_head(ByteBuffer& buffer) {
  while (true) {
    const std::string_view data = buffer.view();
    // The head ends at an empty line; until it is here there is nothing to do.
    const std::size_t blank = data.find("\n\r\n", position_ > 3 ? position_ - 3 : 0);
    const std::size_t blank_lf = data.find("\n\n", position_ > 2 ? position_ - 2 : 0);
    const std::size_t head_end =
        std::min(blank == std::string_view::npos ? blank : blank + 3,
                 blank_lf == std::string_view::npos ? blank_lf : blank_lf + 2);
    if (head_end == std::string_view::npos) {
      position_ = data.size();
      if (data.size() > kMaxHeadBytes) return fail(Error::kHeaderTooLarge);
      // Reject garbage early rather than waiting for 64 KiB of it.
      if (data.size() >= 5 && data.substr(0, 5) != "HTTP/") return fail(Error::kBadStatusLine);
      return Result::kNeedMore;
    }
    if (head_end > kMaxHeadBytes) return fail(Error::kHeaderTooLarge);

    // Status line: HTTP/1.x SP 3DIGIT [SP reason]
    std::size_t eol = line_end(data, 0);
    std::string_view line = data.substr(0, eol);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ' ||
        (line[7] != '0' && line[7] != '1'))
      return fail(Error::kBadStatusLine);
    minor_version_ = line[7] - '0';
    int status = 0;
    const auto [status_end, status_error] =
        std::from_chars(line.data() + 9, line.data() + 12, status);
    if (status_error != std::errc() || status_end != line.data() + 12 || status < 100 ||
        status > 999 || (line.size() > 12 && line[12] != ' '))
      return fail(Error::kBadStatusLine);
    status_ = status;
    const std::size_t reason_at = line.size() > 12 ? 13 : 12;
    reason_at_ = static_cast<std::uint32_t>(reason_at);
    reason_size_ = static_cast<std::uint32_t>(line.size() - reason_at);

    headers_.clear();
    content_length_.reset();
    chunked_ = connection_close_ = connection_keep_alive_ = false;
    std::size_t at = eol + 1;
    while (at < head_end) {
      eol = line_end(data, at);
      line = data.substr(at, eol - at);
      const std::size_t line_at = at;
      at = eol + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) break;
      if (line.front() == ' ' || line.front() == '\t') {
        // obs-fold: a continuation of the previous value (RFC 7230 3.2.4).
        if (headers_.empty()) return fail(Error::kBadHeader);
        HeaderSpan& previous = headers_.back();
        previous.value_size = static_cast<std::uint32_t>(line_at + line.size() - previous.value_at);
        continue;
      }
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) return fail(Error::kBadHeader);
      const std::string_view name = line.substr(0, colon);
      if (!std::all_of(name.begin(), name.end(), is_token_char)) return fail(Error::kBadHeader);
      const std::string_view value = trim(line.substr(colon + 1));
      if (headers_.size() == kMaxHeaders) return fail(Error::kHeaderTooLarge);
      headers_.push_back(
          {static_cast<std::uint32_t>(line_at), static_cast<std::uint32_t>(name.size()),
           static_cast<std::uint32_t>(value.empty()
                                          ? line_at + line.size()
                                          : static_cast<std::size_t>(value.data() - data.data())),
           static_cast<std::uint32_t>(value.size())});
      if (iequals(name, "content-length")) {
        std::uint64_t length = 0;
        const auto [end, error] =
            std::from_chars(value.data(), value.data() + value.size(), length);
        if (error != std::errc() || end != value.data() + value.size() || value.empty() ||
            (content_length_ && *content_length_ != length))
          return fail(Error::kBadContentLength);
        content_length_ = length;
      } else if (iequals(name, "transfer-encoding")) {
        chunked_ = has_token(value, "chunked");
      } else if (iequals(name, "connection")) {
        connection_close_ = connection_close_ || has_token(value, "close");
        connection_keep_alive_ = connection_keep_alive_ || has_token(value, "keep-alive");
      }
    }

    body_at_ = head_end;
    position_ = head_end;
    body_size_ = 0;
    if (status_ >= 100 && status_ < 200 && status_ != 101) {
      // An interim response (100 Continue): drop it and parse what follows.
      const std::size_t rest = buffer.size() - head_end;
      std::memmove(buffer.data(), buffer.data() + head_end, rest);
      buffer.truncate(rest);
      position_ = 0;
      continue;
    }
    if (no_body_ || status_ == 204 || status_ == 304 || status_ == 101) {
      end_ = head_end;
      state_ = State::kDone;
      return Result::kDone;
    }
    if (chunked_) {
      state_ = State::kChunkSize;
    } else if (content_length_) {
      if (*content_length_ > max_body_bytes_) {
        body_size_ = *content_length_;
        return fail(Error::kBodyTooLarge);
      }
      state_ = State::kFixedBody;
    } else {
      state_ = State::kUntilClose;
    }
    return Result::kDone;  // the head is done; the body comes next
  }
}

ResponseParser::Result ResponseParser::parse_chunks(ByteBuffer& buffer) {
  // Decoded bytes are moved down to body_at_ + body_size_ as they are found,
  // so the body ends up contiguous in the same buffer.
  while (true) {
    const std::string_view data = buffer.view();
    switch (state_) {
      case State::kChunkSize: {
        const std::size_t eol = line_end(data, position_);
        if (eol == std::string_view::npos) {
          if (data.size() - position_ > 1024) return fail(Error::kBadChunk);
          return Result::kNeedMore;
        }
        std::string_view line = data.substr(position_, eol - position_);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        line = line.substr(0, line.find(';'));  // chunk extensions are ignored
        line = trim(line);
        std::uint64_t size = 0;
        const auto [end, error] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
        if (line.empty() || error != std::errc() || end != line.data() + line.size())
          return fail(Error::kBadChunk);
        position_ = eol + 1;
        if (size == 0) {
          state_ = State::kTrailers;
          break;
        }
        if (size > max_body_bytes_ || body_size_ + size > max_body_bytes_) {
          body_size_ += size;
          return fail(Error::kBodyTooLarge);
        }
        chunk_left_ = size;
        state_ = State::kChunkData;
        break;
      }
      case State::kChunkData: {
        const std::size_t available = std::min<std::uint64_t>(chunk_left_, data.size() - position_);
        if (available == 0) return Result::kNeedMore;
        std::memmove(buffer.data() + body_at_ + body_size_, buffer.data() + position_, available);
        body_size_ += available;
        position_ += available;
        chunk_left_ -= available;
        if (chunk_left_ == 0) state_ = State::kChunkDataEnd;
        break;
      }
      case State::kChunkDataEnd: {
        const std::size_t eol = line_end(data, position_);
        if (eol == std::string_view::npos) {
          if (data.size() - position_ > 2) return fail(Error::kBadChunk);
          return Result::kNeedMore;
        }
        const std::string_view rest = data.substr(position_, eol - position_);
        if (!(rest.empty() || rest == "\r")) return fail(Error::kBadChunk);
        position_ = eol + 1;
        state_ = State::kChunkSize;
        break;
      }
      case State::kTrailers: {
        const std::size_t eol = line_end(data, position_);
        if (eol == std::string_view::npos) {
          if (data.size() - position_ > kMaxHeadBytes) return fail(Error::kHeaderTooLarge);
          return Result::kNeedMore;
        }
        const std::string_view line = data.substr(position_, eol - position_);
        position_ = eol + 1;
        if (line.empty() || line == "\r") {
          end_ = position_;
          state_ = State::kDone;
          return Result::kDone;
        }
        break;  // a trailer field: skipped
      }
      default:
        return parse(buffer);
    }
  }
}

bool ResponseParser::keep_alive(const ByteBuffer& buffer) const {
  if (state_ != State::kDone || connection_close_) return false;
  if (!content_length_ && !chunked_ && !(no_body_ || status_ == 204 || status_ == 304))
    return false;  // the body ended with the connection
  if (minor_version_ == 0 && !connection_keep_alive_) return false;
  // Bytes past the response: no pipelining here, so they are garbage; a fresh
  // connection must not inherit them.
  if (chunked_) return position_ == buffer.size();
  return end_ == buffer.size();
}

}  // namespace cicada::http::detail
