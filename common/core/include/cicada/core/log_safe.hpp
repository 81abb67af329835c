#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cicada {

/// Text from the network (a peer's identity, a message type) made fit for
/// one log line: control and non-ASCII bytes as \xNN escapes, so a newline
/// cannot forge a line and binary cannot make the log a binary file; and
/// cut to `max_bytes` with the full length said, so a huge field cannot
/// flood it.
std::string log_safe(std::string_view text, std::size_t max_bytes = 96);

}  // namespace cicada
