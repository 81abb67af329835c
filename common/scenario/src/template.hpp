#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cicada/core/random.hpp"

namespace cicada::scenario::detail {

/// What a template can read while rendering: one user's variables.
struct RenderContext {
  const std::map<std::string, std::string>* variables =
      nullptr;  ///< captures and data rows ("accounts.username")
  std::int64_t user_index = 0;
  Random* random = nullptr;
};

/// A string with ${...} parts, compiled once at load time:
/// ${name}, ${set.field}, ${user_index}, ${env.NAME}, ${random_int(1, 100)},
/// ${random_string(8)}, ${uuid()}. "$$" is a literal "$".
class Template {
 public:
  Template() = default;
  /// Throws std::invalid_argument with the problem (the caller adds the place).
  explicit Template(const std::string& text);

  std::string render(const RenderContext& context) const;
  bool is_constant() const;
  /// Variable names it reads (captures or "set.field").
  const std::set<std::string>& variables() const { return variables_; }

 private:
  struct Part {
    enum class Kind { kLiteral, kVariable, kUserIndex, kEnv, kRandomInt, kRandomString, kUuid };
    Kind kind = Kind::kLiteral;
    std::string text;           // literal text, variable or env name
    std::int64_t a = 0, b = 0;  // function arguments
  };
  std::vector<Part> parts_;
  std::set<std::string> variables_;
};

}  // namespace cicada::scenario::detail
