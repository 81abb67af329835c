#include "support/hex.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cicada::test {

namespace {
int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  throw std::invalid_argument(std::string("not a hex digit: ") + c);
}
}  // namespace

std::string from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) throw std::invalid_argument("odd number of hex digits");
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  }
  return bytes;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (char signed_byte : bytes) {
    const auto c = static_cast<unsigned char>(signed_byte);
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0xF]);
  }
  return hex;
}

std::map<std::string, std::string> load_hex_fixtures(const std::string& relative_path) {
  const std::string path = std::string(CICADA_FIXTURES_DIR) + "/" + relative_path;
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot open fixture file " + path);
  std::map<std::string, std::string> fixtures;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty() || line.front() == '#') continue;
    std::istringstream fields(line);
    std::string name;
    std::string hex;
    fields >> name >> hex;
    fixtures[name] = from_hex(hex);
  }
  return fixtures;
}

}  // namespace cicada::test
