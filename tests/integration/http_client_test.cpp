// The HTTP client against the in-process target server and a real nginx, over loopback.
#include "cicada/http/http_user.hpp"

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cicada/model/control_flow.hpp"
#include "cicada/target/target_server.hpp"
#include "support/child_process.hpp"
#include "support/loop.hpp"
#include "support/scripted_server.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

struct Recorded {
  std::string method;
  std::string name;
  std::string error;  // "" for success
  std::int64_t length = 0;
};

/// A user outside any runner, with its request events captured.
struct Harness {
  asio::io_context io;
  Events events;
  std::vector<Recorded> recorded;
  target::TargetServer server{io};
  std::uint16_t port = server.listen("127.0.0.1", 0);

  Harness() {
    events.request.add_listener([this](const RequestEvent& e) {
      recorded.push_back({std::string(e.request_type), std::string(e.name), e.error ? *e.error : "",
                          e.response_length});
    });
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }

  std::unique_ptr<HttpUser> user(http::SessionOptions options) {
    UserContext context;
    context.executor = io.get_executor();
    context.events = &events;
    context.class_name = "Tester";
    context.host = options.base_url;
    return std::make_unique<HttpUser>(context, std::move(options));
  }
  std::unique_ptr<HttpUser> user() {
    http::SessionOptions options;
    options.base_url = base();
    return user(options);
  }

  http::Response run(awaitable<http::Response> call) {
    std::optional<http::Response> result;
    asio::co_spawn(io, std::move(call), [&](std::exception_ptr error, http::Response response) {
      if (error) std::rethrow_exception(error);
      result.emplace(std::move(response));
    });
    test::run_until(io, [&] { return result.has_value(); });
    return std::move(*result);
  }
};

}  // namespace

TEST_CASE("keep-alive: many requests travel on one connection") {
  Harness h;
  auto user = h.user();
  for (int i = 0; i < 50; ++i) {
    auto response = h.run(user->client().get("/"));
    REQUIRE(response.status() == 200);
    CHECK(response.body() == "ok");
  }
  CHECK(user->client().connections_opened() == 1);
  CHECK(h.server.counts().at("GET /") == 50);
  CHECK(h.recorded.size() == 50);
  CHECK(h.recorded[0].method == "GET");
  CHECK(h.recorded[0].name == "/");
  CHECK(h.recorded[0].error.empty());
  CHECK(h.recorded[0].length == 2);
}

TEST_CASE("cookies set by the server are sent back") {
  Harness h;
  auto user = h.user();
  h.run(user->client().get("/cookies/set?session=abc&theme=dark"));
  auto response = h.run(user->client().get("/cookies"));
  CHECK(response.body() == "session=abc; theme=dark");
  CHECK(user->client().cookies().size() == 2);
}

TEST_CASE("redirects are followed and recorded once under the first URL's name") {
  Harness h;
  auto user = h.user();
  auto response = h.run(user->client().get("/redirect?to=/json"));
  CHECK(response.status() == 200);
  CHECK(response.body().find("abc123") != std::string::npos);
  CHECK(response.url() == h.base() + "/json");
  REQUIRE(h.recorded.size() == 1);
  CHECK(h.recorded[0].name == "/redirect?to=/json");

  SUBCASE("a 303 after a POST becomes a GET") {
    auto posted = h.run(user->client().post("/redirect?to=/echo&code=303", {.body = "payload"}));
    CHECK(posted.header("X-Echo-Method") == "GET");
  }
  SUBCASE("turned off, the redirect itself is the response") {
    auto raw = h.run(user->client().get("/redirect?to=/json", {.allow_redirects = false}));
    CHECK(raw.status() == 302);
    CHECK(raw.header("location") == "/json");
  }
  SUBCASE("a loop ends after max_redirects") {
    http::SessionOptions options;
    options.base_url = h.base();
    options.max_redirects = 3;
    auto looping = h.user(options);
    auto endless = h.run(looping->client().get("/loop"));
    CHECK(endless.error() == "TooManyRedirects('Exceeded 3 redirects.')");
  }
}

TEST_CASE("each failure kind is a recorded failure with its own text") {
  Harness h;
  auto user = h.user();
  SUBCASE("status 404") {
    auto response = h.run(user->client().get("/status/404"));
    CHECK(response.status() == 404);
    CHECK(h.recorded.back().error ==
          "HTTPError('404 Client Error: Not Found for url: /status/404')");
  }
  SUBCASE("status 503") {
    h.run(user->client().get("/status/503"));
    CHECK(h.recorded.back().error ==
          "HTTPError('503 Server Error: Service Unavailable for url: /status/503')");
  }
  SUBCASE("connection refused") {
    http::SessionOptions options;
    options.base_url = "http://127.0.0.1:" + std::to_string(test::free_port());
    auto refused = h.user(options);
    auto response = h.run(refused->client().get("/"));
    CHECK(response.status() == 0);
    CHECK(h.recorded.back().error == "ConnectionRefusedError(111, 'Connection refused')");
  }
  SUBCASE("no such host") {
    http::SessionOptions options;
    options.base_url = "http://nosuch.invalid";
    auto lost = h.user(options);
    h.run(lost->client().get("/"));
    CHECK(h.recorded.back().error.rfind("NameResolutionError('cannot resolve nosuch.invalid", 0) ==
          0);
  }
  SUBCASE("response timeout") {
    auto response = h.run(user->client().get("/delay?ms=2000", {.timeout = 0.2s}));
    CHECK(response.status() == 0);
    CHECK(h.recorded.back().error == "ReadTimeout('no response within 0.2 s')");
  }
  SUBCASE("the server closes without answering") {
    h.run(user->client().get("/close"));
    CHECK(h.recorded.back().error ==
          "RemoteDisconnected('Remote end closed connection without response')");
  }
  SUBCASE("a truncated body") {
    h.run(user->client().get("/truncate"));
    CHECK(h.recorded.back().error == "IncompleteRead(10 bytes read, 90 more expected)");
  }
  SUBCASE("a body over the size limit") {
    http::SessionOptions options;
    options.base_url = h.base();
    options.max_body_bytes = 1000;
    auto limited = h.user(options);
    auto big = h.run(limited->client().get("/bytes?n=5000"));
    INFO("status " << big.status() << " body " << big.body().size());
    CHECK(h.recorded.back().error == "ResponseTooLarge('body larger than 1000 bytes')");
  }
  SUBCASE("no host at all") {
    http::SessionOptions options;
    auto homeless = h.user(options);
    h.run(homeless->client().get("/"));
    CHECK(h.recorded.back().error ==
          "InvalidURL(\"no host to send / to: set --host or the user class's host\")");
  }
  // Whatever failed, the session recovers: the next request works.
  auto after = h.run(user->client().get("/"));
  CHECK(after.status() == 200);
}

TEST_CASE("catch_response lets the task decide success or failure") {
  Harness h;
  auto user = h.user();
  {
    auto response = h.run(user->client().get("/status/404", {.catch_response = true}));
    CHECK(h.recorded.empty());  // reported when the response goes, not before
    response.success();
  }
  REQUIRE(h.recorded.size() == 1);
  CHECK(h.recorded[0].error.empty());
  {
    auto response = h.run(user->client().get("/", {.catch_response = true}));
    if (response.body() != "expected") response.failure("Got wrong response");
  }
  CHECK(h.recorded.back().error == "CatchResponseError('Got wrong response')");
  { auto response = h.run(user->client().get("/status/500", {.catch_response = true})); }
  CHECK(h.recorded.back().error.rfind("HTTPError('500 Server Error", 0) == 0);
}

TEST_CASE("name groups requests, query and bodies reach the server") {
  Harness h;
  auto user = h.user();
  h.run(user->client().get("/json?id=1", {.name = "/json?id=[id]"}));
  h.run(user->client().get("/json?id=2", {.name = "/json?id=[id]"}));
  CHECK(h.recorded[0].name == "/json?id=[id]");
  CHECK(h.recorded[1].name == "/json?id=[id]");

  auto echoed =
      h.run(user->client().post("/echo", {.query = {{"q", "a b&c"}}, .json = R"({"k": 1})"}));
  CHECK(echoed.body() == R"({"k": 1})");
  CHECK(echoed.header("Content-Type") == "application/json");
  CHECK(echoed.header("X-Echo-Query") == "q=a+b%26c");
  CHECK(h.recorded.back().name == "/echo?q=a+b%26c");

  auto form = h.run(user->client().put("/echo", {.form = {{"id", "1"}, {"name", "x y"}}}));
  CHECK(form.body() == "id=1&name=x+y");
  CHECK(form.header("X-Echo-Method") == "PUT");

  auto headers =
      h.run(user->client().get("/headers", {.headers = {{"Authorization", "Bearer t"}}}));
  CHECK(headers.body().find("Authorization: Bearer t") != std::string::npos);
}

TEST_CASE("a killed user's request ends at once and is not recorded") {
  Harness h;
  auto user = h.user();
  std::optional<bool> killed;
  asio::co_spawn(h.io, user->client().get("/delay?ms=5000"),
                 [&](std::exception_ptr error, http::Response) {
                   killed = false;
                   if (error) {
                     try {
                       std::rethrow_exception(error);
                     } catch (const UserKilled&) {
                       killed = true;
                     }
                   }
                 });
  h.io.run_for(100ms);
  user->kill();
  test::run_until(h.io, [&] { return killed.has_value(); });
  CHECK(*killed);
  CHECK(h.recorded.empty());
}

namespace {

/// nginx on loopback, plain and TLS, with a self-signed certificate and a CA-signed one.
struct Nginx {
  std::string dir = test::make_temp_dir("cicada-nginx");
  unsigned short http_port = test::free_port();
  unsigned short self_signed_port = test::free_port();
  unsigned short ca_signed_port = test::free_port();
  std::unique_ptr<test::ChildProcess> process;

  void openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    REQUIRE_MESSAGE(test::run_command(argv, dir + "/openssl.log") == 0,
                    test::read_file(dir + "/openssl.log"));
  }

  Nginx() {
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout",
             dir + "/self.key", "-out", dir + "/self.crt"});
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=cicada test CA", "-keyout", dir + "/ca.key", "-out", dir + "/ca.crt"});
    openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
             dir + "/server.key", "-out", dir + "/server.csr"});
    std::ofstream(dir + "/san.ext") << "subjectAltName=DNS:localhost\n";
    openssl({"x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.crt", "-CAkey",
             dir + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile", dir + "/san.ext", "-out",
             dir + "/server.crt"});
    std::ofstream conf(dir + "/nginx.conf");
    conf << "daemon off;\nworker_processes 1;\nerror_log " << dir << "/error.log;\npid " << dir
         << "/nginx.pid;\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n"
         << "  client_body_temp_path " << dir << ";\n  proxy_temp_path " << dir << ";\n"
         << "  fastcgi_temp_path " << dir << ";\n  uwsgi_temp_path " << dir
         << ";\n  scgi_temp_path " << dir << ";\n"
         << "  server { listen 127.0.0.1:" << http_port << "; location / { return 200 'nginx ok'; }"
         << " location /missing { return 404; } }\n"
         << "  server { listen 127.0.0.1:" << self_signed_port << " ssl; ssl_certificate " << dir
         << "/self.crt; ssl_certificate_key " << dir
         << "/self.key; location / { return 200 'tls ok'; } }\n"
         << "  server { listen 127.0.0.1:" << ca_signed_port << " ssl; ssl_certificate " << dir
         << "/server.crt; ssl_certificate_key " << dir
         << "/server.key; location / { return 200 'ca ok'; } }\n}\n";
    conf.close();
    process = std::make_unique<test::ChildProcess>(
        std::vector<std::string>{"nginx", "-p", dir, "-c", dir + "/nginx.conf"},
        dir + "/nginx.out");
    // Wait until nginx accepts (bounded).
    for (int i = 0; i < 200 && test::read_file(dir + "/nginx.pid").empty(); ++i) {
      std::this_thread::sleep_for(10ms);
    }
    std::this_thread::sleep_for(100ms);
    REQUIRE_MESSAGE(process->running(),
                    (test::read_file(dir + "/error.log") + test::read_file(dir + "/nginx.out")));
  }
};

}  // namespace

TEST_CASE("against a real nginx: keep-alive, 404s, and https with --insecure or a CA file") {
  Nginx nginx;
  Harness h;
  http::SessionOptions plain;
  plain.base_url = "http://127.0.0.1:" + std::to_string(nginx.http_port);
  auto user = h.user(plain);
  for (int i = 0; i < 20; ++i) CHECK(h.run(user->client().get("/")).body() == "nginx ok");
  CHECK(user->client().connections_opened() == 1);
  h.run(user->client().get("/missing"));
  CHECK(h.recorded.back().error == "HTTPError('404 Client Error: Not Found for url: /missing')");

  SUBCASE("a self-signed certificate fails verification") {
    http::SessionOptions tls;
    tls.base_url = "https://localhost:" + std::to_string(nginx.self_signed_port);
    auto strict = h.user(tls);
    h.run(strict->client().get("/"));
    CHECK(h.recorded.back().error.rfind("SSLError('certificate verify failed", 0) == 0);
  }
  SUBCASE("--insecure accepts it") {
    http::SessionOptions tls;
    tls.base_url = "https://localhost:" + std::to_string(nginx.self_signed_port);
    tls.insecure = true;
    auto lenient = h.user(tls);
    for (int i = 0; i < 5; ++i) CHECK(h.run(lenient->client().get("/")).body() == "tls ok");
    CHECK(lenient->client().connections_opened() == 1);
  }
  SUBCASE("a CA file verifies a certificate it signed") {
    http::SessionOptions tls;
    tls.base_url = "https://localhost:" + std::to_string(nginx.ca_signed_port);
    tls.ca_file = nginx.dir + "/ca.crt";
    auto verified = h.user(tls);
    CHECK(h.run(verified->client().get("/")).body() == "ca ok");
    CHECK(h.recorded.back().error.empty());
  }
}

// A target that misbehaves once must cost one failed request, not every later
// one: nothing of a bad response may be read as the start of the next.
TEST_CASE("after one bad response the following requests succeed") {
  Harness h;
  const std::string good = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  auto check_recovery = [&](test::ScriptedServer& server, const std::string& first_error_prefix) {
    http::SessionOptions options;
    options.base_url = server.base();
    options.max_body_bytes = 100;
    // Well short of the default: a response the client waits on for nothing
    // fails as a timeout, not by hanging the test.
    options.network_timeout = 5s;
    auto user = h.user(options);
    auto first = h.run(user->client().get("/"));
    CHECK(first.status() == 0);
    INFO("first error: " << first.error());
    CHECK(first.error().rfind(first_error_prefix, 0) == 0);
    for (int i = 0; i < 5; ++i) {
      auto next = h.run(user->client().get("/"));
      CHECK(next.status() == 200);
      CHECK(next.body() == "ok");
    }
    CHECK(server.requests() == 6);
  };
  SUBCASE("bytes that are not HTTP") {
    test::ScriptedServer server(h.io, {"SSH-2.0-OpenSSH\r\n\r\n", good});
    check_recovery(server, "BadStatusLine('malformed HTTP response: bad status line')");
  }
  SUBCASE("a body over the size limit") {
    test::ScriptedServer server(
        h.io, {"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + std::string(500, 'x'), good});
    check_recovery(server, "ResponseTooLarge('body larger than 100 bytes')");
  }
  SUBCASE("a malformed header") {
    test::ScriptedServer server(h.io, {"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", good});
    check_recovery(server, "ProtocolError('malformed HTTP response: bad header line')");
  }
  // The end of the stream arrives with the bytes, so no new readiness follows
  // them: the client must read on after a short read of an incomplete response.
  SUBCASE("a truncated body, and the connection closed right behind it") {
    test::ScriptedServer server(
        h.io, {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", good}, {0});
    check_recovery(server, "IncompleteRead(10 bytes read, 90 more expected)");
  }
  SUBCASE("half a status line, and the connection closed right behind it") {
    test::ScriptedServer server(h.io, {"HTTP/1.1 20", good}, {0});
    check_recovery(server, "RemoteDisconnected('Remote end closed connection without response')");
  }
}

TEST_CASE("bytes after a complete response are dropped with its connection") {
  Harness h;
  test::ScriptedServer server(
      h.io, {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 500 Stray\r\n\r\n",
             "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood"});
  http::SessionOptions options;
  options.base_url = server.base();
  auto user = h.user(options);
  CHECK(h.run(user->client().get("/")).body() == "ok");
  auto second = h.run(user->client().get("/"));
  CHECK(second.status() == 200);
  CHECK(second.body() == "good");
  CHECK(server.connections() == 2);
}

TEST_CASE("a chunked response reaches the user decoded, and its connection is reused") {
  Harness h;
  test::ScriptedServer server(
      h.io,
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"});
  http::SessionOptions options;
  options.base_url = server.base();
  auto user = h.user(options);
  for (int i = 0; i < 3; ++i) CHECK(h.run(user->client().get("/")).body() == "abcde");
  CHECK(server.connections() == 1);
  REQUIRE(h.recorded.size() == 3);
  CHECK(h.recorded.back().length == 5);
}

TEST_CASE("bodies larger than one read arrive whole, and the connection carries on") {
  Harness h;
  auto user = h.user();
  for (const std::size_t size : {std::size_t{65536}, std::size_t{300000}, std::size_t{3}}) {
    CAPTURE(size);
    auto response = h.run(user->client().get("/bytes?n=" + std::to_string(size)));
    REQUIRE(response.status() == 200);
    CHECK(response.body().size() == size);
    CHECK(response.body().find_first_not_of('x') == std::string_view::npos);
  }
  CHECK(user->client().connections_opened() == 1);
}

TEST_CASE(
    "a request larger than the socket buffers goes out whole, and the connection carries on") {
  // The server shares the client's thread, so it reads nothing until the
  // client yields: 32 MB cannot fit the socket buffers, and the client must
  // wait until it can write more. The scripted server answers each request
  // at its head and reads the body as it looks for the next head.
  asio::io_context io;
  test::ScriptedServer server(io, {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"});
  Events events;
  std::vector<std::string> errors;
  events.request.add_listener(
      [&](const RequestEvent& e) { errors.push_back(e.error ? *e.error : ""); });
  UserContext context;
  context.executor = io.get_executor();
  context.events = &events;
  context.class_name = "Uploader";
  http::SessionOptions options;
  options.base_url = server.base();
  HttpUser user(context, options);
  const std::string body(32u << 20, 'u');
  for (int round = 0; round < 2; ++round) {
    std::optional<int> status;
    asio::co_spawn(io, user.client().post("/upload", {.body = body}),
                   [&](std::exception_ptr error, http::Response response) {
                     if (error) std::rethrow_exception(error);
                     status = response.status();
                   });
    test::run_until(io, [&] { return status.has_value(); });
    CHECK(status == 200);
  }
  CHECK(errors == std::vector<std::string>{"", ""});
  CHECK(user.client().connections_opened() == 1);
  CHECK(server.connections() == 1);
}

}  // namespace cicada

namespace cicada {

TEST_CASE("gzip and deflate answers are decoded; the recorded length is the decoded one") {
  Harness h;
  auto user = h.user();
  const std::string document =
      R"({"token": "abc123", "items": [{"id": 1}, {"id": 2}], "ok": true})";
  for (const char* encoding : {"gzip", "deflate", "raw-deflate"}) {
    INFO(encoding);
    auto response = h.run(user->client().get(std::string("/compressed?encoding=") + encoding));
    CHECK(response.ok());
    CHECK(response.header("Content-Encoding").has_value());
    CHECK(response.body() == document);
    CHECK(h.recorded.back().length == static_cast<std::int64_t>(document.size()));
  }
  auto headers = h.run(user->client().get("/headers"));
  CHECK(std::string(headers.body()).find("Accept-Encoding: gzip, deflate") != std::string::npos);
  // A request that asks for no compression gets none, and its header wins.
  const http::RequestOptions identity{.headers = {{"Accept-Encoding", "identity"}}};
  headers = h.run(user->client().get("/headers", identity));
  CHECK(std::string(headers.body()).find("Accept-Encoding: identity") != std::string::npos);
  CHECK(std::string(headers.body()).find("gzip") == std::string::npos);
}

TEST_CASE("a body that does not decode fails the request, in python-requests' words") {
  Harness h;
  auto user = h.user();
  auto response = h.run(user->client().get("/compressed?encoding=broken"));
  CHECK_FALSE(response.ok());
  CHECK(response.error().starts_with(
      "ContentDecodingError('Received response with content-encoding: gzip, but failed to decode "
      "it"));
  CHECK(h.recorded.back().error == response.error());
  // The connection stays usable for the next request.
  CHECK(h.run(user->client().get("/")).ok());
}

TEST_CASE("a decoded body over the body limit fails instead of growing without bound") {
  Harness h;
  http::SessionOptions options;
  options.base_url = h.base();
  options.max_body_bytes = 10'000;  // 1 MB of 'x' arrives in far fewer bytes
  auto user = h.user(options);
  auto response = h.run(user->client().get("/compressed?n=1000000"));
  CHECK_FALSE(response.ok());
  CHECK(response.error().find("the decoded body is over 10000 bytes (--max-body-size)") !=
        std::string::npos);
  CHECK(h.run(user->client().get("/compressed?n=9000")).body().size() == 9000);
}

TEST_CASE("basic auth: from the URL, from the session, per request; not sent to another host") {
  Harness h;
  const std::string path = "/basic-auth?user=ann&password=s3cr%3At";  // password "s3cr:t"
  auto anonymous = h.user();
  CHECK(h.run(anonymous->client().get(path)).status() == 401);

  http::SessionOptions from_url;
  from_url.base_url = "http://ann:s3cr%3At@127.0.0.1:" + std::to_string(h.port);
  auto url_user = h.user(from_url);
  auto response = h.run(url_user->client().get(path));
  CHECK(response.status() == 200);
  CHECK(response.body() == "authorized as ann");

  http::SessionOptions with_auth;
  with_auth.base_url = h.base();
  with_auth.auth = http::BasicAuth{"ann", "s3cr:t"};
  auto session_user = h.user(with_auth);
  CHECK(h.run(session_user->client().get(path)).status() == 200);
  const http::RequestOptions wrong{.auth = http::BasicAuth{"ann", "guess"}};
  CHECK(h.run(session_user->client().get(path, wrong)).status() == 401);

  // A redirect to another host (localhost is not 127.0.0.1 by name) drops the credentials.
  const std::string elsewhere = "http://localhost:" + std::to_string(h.port) + "/headers";
  const http::RequestOptions follow{.query = {{"to", elsewhere}}};
  auto redirected = h.run(session_user->client().get("/redirect", follow));
  CHECK(redirected.status() == 200);
  CHECK(std::string(redirected.body()).find("Authorization") == std::string::npos);
  auto same_host = h.run(session_user->client().get("/headers"));
  CHECK(std::string(same_host.body()).find("Authorization: Basic ") != std::string::npos);
}

TEST_CASE("multipart uploads: form fields, then files, framed by one boundary") {
  Harness h;
  auto user = h.user();
  const http::RequestOptions upload{
      .form = {{"title", "report"}},
      .files = {{.field = "file",
                 .filename = "a.csv",
                 .content = "x,y\n1,2\n",
                 .content_type = "text/csv"},
                {.field = "raw", .filename = "b.bin", .content = std::string("\0\1", 2)}}};
  auto response = h.run(user->client().post("/echo", upload));
  REQUIRE(response.ok());
  const std::string content_type(response.header("Content-Type").value_or(""));
  REQUIRE(content_type.starts_with("multipart/form-data; boundary="));
  const std::string boundary = content_type.substr(content_type.find('=') + 1);
  CHECK(boundary.size() == 32);
  const std::string expected =
      "--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nreport\r\n" +
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\nx,y\n1,2\n\r\n" +
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"raw\"; filename=\"b.bin\"\r\n\r\n" +
      std::string("\0\1", 2) + "\r\n--" + boundary + "--\r\n";
  CHECK(response.body() == expected);
}

}  // namespace cicada

namespace cicada {
namespace {

class TaggedUser : public HttpUser {
 public:
  using HttpUser::HttpUser;
  RequestContext context() const override { return {{"account", "ann"}}; }
};

}  // namespace

TEST_CASE("rename_request, json() and the request event's context and response") {
  Harness h;
  std::vector<RequestContext> contexts;
  std::vector<int> statuses;
  h.events.request.add_listener([&](const RequestEvent& e) {
    contexts.push_back(e.context ? *e.context : RequestContext{});
    statuses.push_back(e.response ? e.response->status() : -1);
  });
  UserContext context;
  context.executor = h.io.get_executor();
  context.events = &h.events;
  context.class_name = "Tagged";
  context.host = h.base();
  http::SessionOptions options;
  options.base_url = h.base();
  TaggedUser user(context, options);
  {
    auto renamed = user.client().rename_request("/item/[id]");
    h.run(user.client().get("/json?id=1"));
    const http::RequestOptions named{.name = "/own"};
    h.run(user.client().get("/json?id=2", named));
  }
  const http::RequestOptions tagged{.context = {{"step", "checkout"}}};
  auto response = h.run(user.client().get("/json", tagged));
  REQUIRE(h.recorded.size() == 3);
  CHECK(h.recorded[0].name == "/item/[id]");
  CHECK(h.recorded[1].name == "/own");   // an explicit name wins, as in Locust
  CHECK(h.recorded[2].name == "/json");  // the guard is gone
  CHECK(response.json()["token"] == "abc123");
  CHECK(contexts[0] == RequestContext{{"account", "ann"}});
  CHECK(contexts[2] == RequestContext{{"account", "ann"}, {"step", "checkout"}});
  CHECK(statuses == std::vector<int>{200, 200, 200});
  auto not_json = h.run(user.client().get("/"));
  CHECK_THROWS(not_json.json());
}

}  // namespace cicada

namespace cicada {

TEST_CASE("a response's time ends when it arrived, not when a busy loop got round to reading it") {
  // The server runs on its own thread and answers at once; this loop is
  // blocked for half a second right after the request went out, as a loop
  // serving many users is while others' responses are processed. The kernel's
  // arrival stamp keeps that stall out of the recorded time.
  asio::io_context server_io;
  target::TargetServer server{server_io};
  const std::uint16_t port = server.listen("127.0.0.1", 0);
  auto server_work = asio::make_work_guard(server_io);
  std::thread server_thread([&] { server_io.run(); });

  asio::io_context io;
  Events events;
  UserContext context;
  context.executor = io.get_executor();
  context.events = &events;
  context.class_name = "Tester";
  http::SessionOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(port);
  HttpUser user(context, options);
  std::optional<http::Response> result;
  const auto record = [&](std::exception_ptr, http::Response response) {
    result.emplace(std::move(response));
  };
  asio::co_spawn(io, user.client().get("/"), record);  // opens the keep-alive connection
  test::run_until(io, [&] { return result.has_value(); });
  result.reset();
  asio::co_spawn(io, user.client().get("/"), record);
  constexpr auto kStall = 500ms;
  const auto began = std::chrono::steady_clock::now();
  asio::post(io, [&] { std::this_thread::sleep_for(kStall); });  // runs once the request is sent
  test::run_until(io, [&] { return result.has_value(); });
  const auto waited = std::chrono::steady_clock::now() - began;

  server_work.reset();
  asio::post(server_io, [&] { server.stop(); });
  server_thread.join();
  REQUIRE(result->status() == 200);
  CHECK(waited >= kStall);                // the stall did happen
  CHECK(result->elapsed() < kStall / 2);  // and is not in the response's time
}

}  // namespace cicada
