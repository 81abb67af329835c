#include "cicada/core/timespan.hpp"

#include <cctype>

namespace cicada {

std::optional<std::int64_t> parse_timespan(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  std::int64_t total = 0;
  if (all_digits) {
    for (char c : text) total = total * 10 + (c - '0');
    return total;
  }
  // ((\d+)h)?((\d+)m)?((\d+)s)? matching the whole text, units in order.
  constexpr std::string_view kUnits = "hms";
  constexpr std::int64_t kSeconds[] = {3600, 60, 1};
  std::size_t next_unit = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t value = 0;
    const std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
      value = value * 10 + (text[i++] - '0');
    if (i == start || i == text.size()) return std::nullopt;
    const auto unit = kUnits.find(text[i], next_unit);
    if (unit == std::string_view::npos) return std::nullopt;
    total += value * kSeconds[unit];
    next_unit = unit + 1;
    ++i;
  }
  return total;
}

}  // namespace cicada
