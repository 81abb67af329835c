#include <algorithm>

#include "cicada/http/http_session.hpp"

#include "ascii.hpp"
#include "cicada/core/trim.hpp"

namespace cicada::http {
namespace {}  // namespace

void CookieJar::set(const std::string& host, const std::string& set_cookie_header) {
  std::string_view header(set_cookie_header);
  const auto first_semicolon = header.find(';');
  const std::string_view pair = header.substr(0, first_semicolon);
  const auto eq = pair.find('=');
  if (eq == std::string_view::npos) return;
  Cookie cookie{host, "/", std::string(trim(pair.substr(0, eq))),
                std::string(trim(pair.substr(eq + 1)))};
  if (cookie.name.empty()) return;
  bool expired = false;
  std::string_view attributes = first_semicolon == std::string_view::npos
                                    ? std::string_view()
                                    : header.substr(first_semicolon + 1);
  while (!attributes.empty()) {
    const auto next = attributes.find(';');
    const std::string_view attribute = attributes.substr(0, next);
    const auto attribute_eq = attribute.find('=');
    const std::string key(trim(attribute.substr(0, attribute_eq)));
    const std::string value(
        attribute_eq == std::string_view::npos ? "" : trim(attribute.substr(attribute_eq + 1)));
    if (detail::iequals(key, "path") && !value.empty()) cookie.path = value;
    if (detail::iequals(key, "max-age") && !value.empty() && (value.front() == '-' || value == "0"))
      expired = true;
    if (next == std::string_view::npos) break;
    attributes.remove_prefix(next + 1);
  }
  std::erase_if(cookies_, [&](const Cookie& c) {
    return c.host == cookie.host && c.path == cookie.path && c.name == cookie.name;
  });
  if (!expired) cookies_.push_back(std::move(cookie));
}

std::string CookieJar::header_for(const std::string& host, const std::string& path) const {
  std::string header;
  for (const auto& cookie : cookies_) {
    if (cookie.host != host || path.rfind(cookie.path, 0) != 0) continue;
    if (!header.empty()) header += "; ";
    header += cookie.name + "=" + cookie.value;
  }
  return header;
}

}  // namespace cicada::http
