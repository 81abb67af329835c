#pragma once

#include <string_view>

namespace cicada::proto::detail {

/// True when `text` is well-formed UTF-8 as Python's strict decoder defines
/// it: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

}  // namespace cicada::proto::detail
