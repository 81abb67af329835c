#pragma once

#include <stdexcept>

namespace cicada::transport {

/// A socket could not be set up (bind or connect refused by ZeroMQ). Thrown
/// only at set-up time; traffic problems are reported through handlers.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cicada::transport
