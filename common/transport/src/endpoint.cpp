#include "endpoint.hpp"

#include <charconv>

namespace cicada::transport::detail {

std::string tcp_endpoint(const std::string& host, std::uint16_t port) {
  const bool ipv6_literal = host.find(':') != std::string::npos && host.front() != '[';
  const std::string shown_host = ipv6_literal ? "[" + host + "]" : host;
  return "tcp://" + shown_host + ":" + (port == 0 ? std::string("*") : std::to_string(port));
}

std::optional<std::uint16_t> endpoint_port(const std::string& endpoint) {
  const auto colon = endpoint.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::uint16_t port = 0;
  const char* first = endpoint.data() + colon + 1;
  const char* last = endpoint.data() + endpoint.size();
  auto [end, error] = std::from_chars(first, last, port);
  if (error != std::errc() || end != last) return std::nullopt;
  return port;
}

}  // namespace cicada::transport::detail
