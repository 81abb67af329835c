#pragma once

#include <string_view>

namespace cicada {

/// `text` without the leading and trailing characters of `whitespace`.
inline std::string_view trim(std::string_view text, std::string_view whitespace = " \t") {
  const auto first = text.find_first_not_of(whitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(whitespace) - first + 1);
}

}  // namespace cicada
