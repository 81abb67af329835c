#pragma once

#include <string>
#include <string_view>

namespace cicada {

/// Standard base64 with padding (RFC 4648), as HTTP basic auth writes credentials.
std::string base64(std::string_view bytes);

}  // namespace cicada
