#include "cicada/http/http_user.hpp"

namespace cicada {
namespace {
http::SessionOptions defaults_for(const UserContext& context) {
  http::SessionOptions options;
  options.base_url = context.host;
  options.insecure = context.tls_insecure;
  options.ca_file = context.tls_ca_file;
  return options;
}
}  // namespace

HttpUser::HttpUser(UserContext context) : HttpUser(context, defaults_for(context)) {}

HttpUser::HttpUser(UserContext context, http::SessionOptions options)
    : User(std::move(context)), client_(*this, std::move(options)) {}

HttpUser::~HttpUser() = default;

}  // namespace cicada
