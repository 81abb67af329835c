#include "url.hpp"

#include <cctype>

#include "cicada/core/base64.hpp"
#include "cicada/core/percent_decode.hpp"

namespace cicada::http::detail {

std::string Url::host_header() const {
  const bool default_port =
      (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return default_port ? shown : shown + ":" + port;
}

std::optional<Url> parse_url(std::string_view text, std::string& error) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    error = "URL '" + std::string(text) + "' has no scheme (http:// or https://)";
    return std::nullopt;
  }
  url.scheme = std::string(text.substr(0, scheme_end));
  for (auto& c : url.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (url.scheme != "http" && url.scheme != "https") {
    error = "URL '" + std::string(text) + "': only http and https are supported";
    return std::nullopt;
  }
  std::string_view rest = text.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  url.target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (url.target.front() == '?') url.target.insert(0, "/");
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    url.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "URL '" + std::string(text) + "': unclosed [ in the host";
      return std::nullopt;
    }
    url.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() == ':') url.port = std::string(authority.substr(1));
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) url.port = std::string(authority.substr(colon + 1));
  }
  if (url.host.empty()) {
    error = "URL '" + std::string(text) + "' has no host";
    return std::nullopt;
  }
  if (url.port.empty()) url.port = url.scheme == "https" ? "443" : "80";
  for (char c : url.port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      error = "URL '" + std::string(text) + "': port '" + url.port + "' is not a number";
      return std::nullopt;
    }
  }
  return url;
}

std::string basic_authorization(std::string_view userinfo) {
  if (userinfo.empty()) return "";
  const auto colon = userinfo.find(':');
  const std::string user = percent_decode(userinfo.substr(0, colon));
  const std::string password =
      colon == std::string_view::npos ? "" : percent_decode(userinfo.substr(colon + 1));
  return "Basic " + base64(user + ":" + password);
}

std::string resolve_location(const Url& base, std::string_view location) {
  if (location.find("://") != std::string_view::npos) return std::string(location);
  const std::string origin = base.scheme + "://" + base.host_header();
  if (location.rfind("//", 0) == 0) return base.scheme + ":" + std::string(location);
  if (!location.empty() && location.front() == '/') return origin + std::string(location);
  // Relative to the current path's folder.
  std::string path = base.target.substr(0, base.target.find('?'));
  path = path.substr(0, path.rfind('/') + 1);
  return origin + path + std::string(location);
}

std::string form_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char signed_c : text) {
    const auto c = static_cast<unsigned char>(signed_c);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace cicada::http::detail
