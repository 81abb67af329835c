#include "cicada/core/log_safe.hpp"

namespace cicada {

std::string log_safe(std::string_view text, std::size_t max_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string_view shown = text.substr(0, max_bytes);
  std::string safe;
  safe.reserve(shown.size() + 16);
  for (const char c : shown) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '\\') {
      safe += '\\';
      if (c == '\\') {
        safe += '\\';
        continue;
      }
      safe += 'x';
      safe += kHex[byte >> 4];
      safe += kHex[byte & 0xf];
    } else {
      safe += c;
    }
  }
  if (shown.size() < text.size()) safe += "...(" + std::to_string(text.size()) + " bytes)";
  return safe;
}

}  // namespace cicada
