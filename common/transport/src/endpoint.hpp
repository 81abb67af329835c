#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cicada::transport::detail {

/// "tcp://host:port"; IPv6 literals get brackets; port 0 becomes ZeroMQ's "*" (ephemeral).
std::string tcp_endpoint(const std::string& host, std::uint16_t port);

/// The port of a ZeroMQ endpoint such as "tcp://127.0.0.1:40123" or "tcp://[::]:5557".
std::optional<std::uint16_t> endpoint_port(const std::string& endpoint);

}  // namespace cicada::transport::detail
