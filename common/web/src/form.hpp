#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cicada::web {

/// Fields of an application/x-www-form-urlencoded body or a query string, in
/// order, decoded ('+' is a space; a bad %XX escape is kept as written).
class Form {
 public:
  explicit Form(std::string_view encoded);
  /// The first value of `name`, if present.
  std::optional<std::string> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace cicada::web
