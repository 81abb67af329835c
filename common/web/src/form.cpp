#include "form.hpp"

#include "cicada/core/percent_decode.hpp"

namespace cicada::web {
Form::Form(std::string_view encoded) {
  while (!encoded.empty()) {
    const auto amp = encoded.find('&');
    const std::string_view field = encoded.substr(0, amp);
    if (!field.empty()) {
      const auto eq = field.find('=');
      fields_.emplace_back(
          percent_decode(field.substr(0, eq), true),
          eq == std::string_view::npos ? "" : percent_decode(field.substr(eq + 1), true));
    }
    if (amp == std::string_view::npos) break;
    encoded.remove_prefix(amp + 1);
  }
}

std::optional<std::string> Form::get(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace cicada::web
