#include "template.hpp"
#include "cicada/core/trim.hpp"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace cicada::scenario::detail {
namespace {

std::int64_t integer_argument(const std::string& text, const std::string& function) {
  const std::string value(trim(text));
  char* end = nullptr;
  const long long parsed = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0') {
    throw std::invalid_argument(function + "() takes whole numbers, got '" + value + "'");
  }
  return parsed;
}

std::vector<std::string> split_arguments(const std::string& text) {
  std::vector<std::string> arguments;
  if (trim(text).empty()) return arguments;
  std::size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    arguments.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return arguments;
}

bool is_name(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-')
      return false;
  }
  return true;
}

}  // namespace

Template::Template(const std::string& text) {
  std::size_t i = 0;
  std::string literal;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      literal += '$';
      i += 2;
      continue;
    }
    if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      literal += text[i++];
      continue;
    }
    const auto close = text.find('}', i + 2);
    if (close == std::string::npos) throw std::invalid_argument("'${' without a closing '}'");
    const std::string inside(trim(text.substr(i + 2, close - i - 2)));
    if (!literal.empty()) parts_.push_back({Part::Kind::kLiteral, literal});
    literal.clear();

    Part part;
    const auto paren = inside.find('(');
    if (paren != std::string::npos) {
      if (inside.back() != ')') throw std::invalid_argument("'${" + inside + "}': missing ')'");
      const std::string function(trim(inside.substr(0, paren)));
      const auto arguments = split_arguments(inside.substr(paren + 1, inside.size() - paren - 2));
      if (function == "random_int") {
        if (arguments.size() != 2)
          throw std::invalid_argument("random_int(min, max) takes two numbers");
        part = {Part::Kind::kRandomInt, "", integer_argument(arguments[0], function),
                integer_argument(arguments[1], function)};
        if (part.a > part.b)
          throw std::invalid_argument("random_int(min, max): min is larger than max");
      } else if (function == "random_string") {
        if (arguments.size() != 1)
          throw std::invalid_argument("random_string(length) takes one number");
        part = {Part::Kind::kRandomString, "", integer_argument(arguments[0], function), 0};
        if (part.a < 0 || part.a > 1'000'000)
          throw std::invalid_argument("random_string(length): length out of range");
      } else if (function == "uuid") {
        if (!arguments.empty()) throw std::invalid_argument("uuid() takes no arguments");
        part.kind = Part::Kind::kUuid;
      } else if (function == "user_index") {
        part.kind = Part::Kind::kUserIndex;
      } else {
        throw std::invalid_argument("unknown function '" + function +
                                    "' (known: random_int, random_string, uuid, user_index)");
      }
    } else if (inside == "user_index") {
      part.kind = Part::Kind::kUserIndex;
    } else if (inside.rfind("env.", 0) == 0 && inside.size() > 4) {
      part = {Part::Kind::kEnv, inside.substr(4)};
    } else if (is_name(inside)) {
      part = {Part::Kind::kVariable, inside};
      variables_.insert(inside);
    } else {
      throw std::invalid_argument("'${" + inside + "}' is not a variable or a function call");
    }
    parts_.push_back(part);
    i = close + 1;
  }
  if (!literal.empty()) parts_.push_back({Part::Kind::kLiteral, literal});
}

bool Template::is_constant() const {
  return parts_.empty() || (parts_.size() == 1 && parts_[0].kind == Part::Kind::kLiteral);
}

std::string Template::render(const RenderContext& context) const {
  static constexpr char kAlphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Part::Kind::kLiteral:
        out += part.text;
        break;
      case Part::Kind::kVariable: {
        // An unset variable (a capture that has not happened yet) renders empty.
        if (context.variables != nullptr) {
          auto it = context.variables->find(part.text);
          if (it != context.variables->end()) out += it->second;
        }
        break;
      }
      case Part::Kind::kUserIndex:
        out += std::to_string(context.user_index);
        break;
      case Part::Kind::kEnv: {
        const char* value = std::getenv(part.text.c_str());
        if (value != nullptr) out += value;
        break;
      }
      case Part::Kind::kRandomInt: {
        const auto span = static_cast<std::uint64_t>(part.b - part.a) + 1;
        out += std::to_string(part.a + static_cast<std::int64_t>((*context.random)() % span));
        break;
      }
      case Part::Kind::kRandomString:
        for (std::int64_t k = 0; k < part.a; ++k) out += kAlphabet[(*context.random)() % 62];
        break;
      case Part::Kind::kUuid: {
        // A random (version 4) UUID.
        static constexpr char kHex[] = "0123456789abcdef";
        std::uint64_t high = (*context.random)();
        std::uint64_t low = (*context.random)();
        high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
        low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
        std::string uuid;
        for (int k = 60; k >= 0; k -= 4) uuid += kHex[(high >> k) & 0xF];
        for (int k = 60; k >= 0; k -= 4) uuid += kHex[(low >> k) & 0xF];
        out += uuid.substr(0, 8) + "-" + uuid.substr(8, 4) + "-" + uuid.substr(12, 4) + "-" +
               uuid.substr(16, 4) + "-" + uuid.substr(20);
        break;
      }
    }
  }
  return out;
}

}  // namespace cicada::scenario::detail
