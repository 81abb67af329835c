#pragma once

#include <string>
#include <string_view>

namespace cicada {

/// Decodes %XX escapes (a bad escape is kept as written). With
/// `plus_is_space`, '+' is a space, as in form bodies and query strings.
std::string percent_decode(std::string_view text, bool plus_is_space = false);

}  // namespace cicada
