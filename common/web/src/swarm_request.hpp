#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "form.hpp"

namespace cicada::web {

/// What a /swarm form asks for (Locust's fields).
struct SwarmRequest {
  std::int64_t user_count = 0;
  double spawn_rate = 0;
  std::optional<std::int64_t> run_time_seconds;
  std::optional<std::string> host;  ///< '<' and '>' removed, as Locust does
  /// The classes ticked in the class picker (`user_classes`, repeated), if any.
  std::vector<std::string> user_classes;
};

/// Reads a /swarm form: the request, or the message that names what is wrong
/// (Locust's own messages for a missing field and a bad run_time).
std::variant<SwarmRequest, std::string> read_swarm_request(const Form& form);

}  // namespace cicada::web
