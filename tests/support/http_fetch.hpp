#pragma once

#include <map>
#include <string>

namespace cicada::test {

/// A reply as a test sees it: status, headers (names lower-cased), body.
struct Fetched {
  int status = 0;  ///< 0 when nothing answered
  std::map<std::string, std::string> headers;
  std::string body;
};

/// One HTTP/1.1 request to 127.0.0.1:port (a blocking client with a 10 s
/// limit), for tests of servers cicada runs. A POST sends `form` as
/// application/x-www-form-urlencoded.
Fetched fetch(unsigned short port, const std::string& method, const std::string& target,
              const std::string& form = "", const std::map<std::string, std::string>& headers = {});

inline Fetched get(unsigned short port, const std::string& target) {
  return fetch(port, "GET", target);
}

}  // namespace cicada::test
