#include "cicada/http/http_user.hpp"

namespace cicada {

http::SessionOptions HttpUser::session_defaults(const UserContext& context) {
  http::SessionOptions options;
  options.base_url = context.host;
  options.insecure = context.tls_insecure;
  options.ca_file = context.tls_ca_file;
  if (context.http_connect_timeout_seconds)
    options.connect_timeout = std::chrono::duration<double>(*context.http_connect_timeout_seconds);
  if (context.http_network_timeout_seconds)
    options.network_timeout = std::chrono::duration<double>(*context.http_network_timeout_seconds);
  if (context.http_max_body_bytes)
    options.max_body_bytes = static_cast<std::size_t>(*context.http_max_body_bytes);
  return options;
}

HttpUser::HttpUser(UserContext context) : HttpUser(context, session_defaults(context)) {}

HttpUser::HttpUser(UserContext context, http::SessionOptions options)
    : User(std::move(context)), client_(*this, std::move(options)) {}

HttpUser::~HttpUser() = default;

}  // namespace cicada
