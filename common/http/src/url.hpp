#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cicada::http::detail {

/// The parts of an absolute http(s) URL that a request needs.
struct Url {
  std::string scheme;    ///< "http" or "https"
  std::string host;      ///< without brackets for IPv6
  std::string port;      ///< always set (80/443 by default)
  std::string target;    ///< path and query, at least "/"
  std::string userinfo;  ///< "user:password" before '@', as written (percent-encoded)

  /// "scheme://host:port": which connection can carry a request to this URL.
  std::string origin() const { return scheme + "://" + host + ":" + port; }
  /// The Host header value (port omitted when it is the scheme's default).
  std::string host_header() const;
};

/// Parses "http(s)://host[:port][/path][?query]"; nullopt with `error` set otherwise.
std::optional<Url> parse_url(std::string_view text, std::string& error);

/// Resolves a Location header against the URL it came from.
std::string resolve_location(const Url& base, std::string_view location);

/// The Authorization header value for a URL's "user:password", or "".
std::string basic_authorization(std::string_view userinfo);

/// Percent-encodes for a query string or form body (spaces as '+', like Python's urlencode).
std::string form_encode(std::string_view text);

}  // namespace cicada::http::detail
