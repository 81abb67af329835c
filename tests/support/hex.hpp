#pragma once

#include <map>
#include <string>
#include <string_view>

namespace cicada::test {

/// Bytes from lowercase or uppercase hex; throws std::invalid_argument on bad input.
std::string from_hex(std::string_view hex);
std::string to_hex(std::string_view bytes);

/// Reads a fixture file of `<name> <hex>` lines (tests/fixtures/<relative_path>).
std::map<std::string, std::string> load_hex_fixtures(const std::string& relative_path);

}  // namespace cicada::test
