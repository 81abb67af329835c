#include "support/http_fetch.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
#include <chrono>

namespace cicada::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

Fetched fetch(unsigned short port, const std::string& method, const std::string& target,
              const std::string& form, const std::map<std::string, std::string>& headers) {
  Fetched fetched;
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [name, value] : headers) request.set(name, value);
    if (method == "POST") {
      request.set(http::field::content_type, "application/x-www-form-urlencoded");
      request.body() = form;
    }
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buffer, parser);
    const auto& response = parser.get();
    fetched.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      fetched.headers[name] = std::string(field.value());
    }
    fetched.body = response.body();
  } catch (const std::exception& e) {
    fetched.status = 0;
    fetched.body = e.what();
  }
  return fetched;
}

}  // namespace cicada::test
