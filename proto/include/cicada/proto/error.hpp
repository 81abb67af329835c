#pragma once

#include <string>

#include <tl/expected.hpp>

namespace cicada::proto {

/// Why bytes or a value could not be understood as a Locust message.
/// `message` names the problem and, where known, the place ("spawn.host: expected str, got int").
struct ProtoError {
  std::string message;
};

template <typename T>
using Result = tl::expected<T, ProtoError>;

inline tl::unexpected<ProtoError> proto_error(std::string message) {
  return tl::unexpected<ProtoError>(ProtoError{std::move(message)});
}

}  // namespace cicada::proto
