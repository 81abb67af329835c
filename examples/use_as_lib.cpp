// cicada used as a library, the way Locust's "use as a library" page shows:
// an Environment with two user classes, a local runner, the web UI on
// 127.0.0.1, the stats printer and history in the background, start(N, rate),
// a quit after a set time, the web UI stopped, and the statistics printed.
//
// The users speak a tiny line protocol to a TCP echo server this program
// starts on 127.0.0.1, and record each round trip with record_request(): the
// recording call works for any protocol, not only HTTP.
//
//   use_as_lib [--users N] [--rate R] [--seconds S] [--web-port P]   (P 0: any free port)
#include <cstdio>
#include <cstdlib>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "cicada/core/spawn.hpp"
#include "cicada/model/user_class.hpp"
#include "cicada/report/console_report.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/runner/local_runner.hpp"
#include "cicada/web/web_ui.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;

// --- The system under test: echoes every line back. -------------------------

cicada::awaitable<void> echo_lines(tcp::socket socket) {
  std::string buffer;
  boost::system::error_code error;
  while (!error) {
    const std::size_t length =
        co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), '\n',
                                        asio::redirect_error(cicada::use_awaitable, error));
    if (error) break;  // the user hung up
    co_await asio::async_write(socket, asio::buffer(buffer.data(), length),
                               asio::redirect_error(cicada::use_awaitable, error));
    buffer.erase(0, length);
  }
}

cicada::awaitable<void> accept_connections(tcp::acceptor* acceptor) {
  boost::system::error_code error;
  while (!error) {
    tcp::socket socket(acceptor->get_executor());
    co_await acceptor->async_accept(socket, asio::redirect_error(cicada::use_awaitable, error));
    if (!error) {
      cicada::spawn_logged(acceptor->get_executor(), echo_lines(std::move(socket)),
                           "echo connection");
    }
  }
}

// --- The simulated users. ----------------------------------------------------

std::uint16_t echo_port = 0;

/// Sends a line over its own connection and records the round trip.
class EchoUser : public cicada::User {
 public:
  explicit EchoUser(cicada::UserContext context) : User(std::move(context)), socket_(executor()) {
    cancel_id_ = on_kill([this] { socket_.close(); });
  }
  ~EchoUser() override { remove_on_kill(cancel_id_); }

  cicada::awaitable<void> on_start() override {
    co_await socket_.async_connect({asio::ip::make_address("127.0.0.1"), echo_port},
                                   cicada::use_awaitable);
  }

  cicada::awaitable<void> short_line() { co_await round_trip("short", std::string(32, 'x')); }
  cicada::awaitable<void> long_line() { co_await round_trip("long", std::string(4096, 'y')); }

 private:
  cicada::awaitable<void> round_trip(std::string name, std::string payload) {
    payload += '\n';
    const auto started = std::chrono::steady_clock::now();
    boost::system::error_code error;
    co_await asio::async_write(socket_, asio::buffer(payload),
                               asio::redirect_error(cicada::use_awaitable, error));
    std::string reply;
    if (!error) {
      co_await asio::async_read_until(socket_, asio::dynamic_buffer(reply), '\n',
                                      asio::redirect_error(cicada::use_awaitable, error));
    }
    throw_if_killed();  // a stopped user's interrupted exchange is not a result
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    const std::string failure = error ? error.message() : reply == payload ? "" : "echo mismatch";
    record_request({"TCP", name, elapsed, static_cast<std::int64_t>(reply.size()),
                    failure.empty() ? nullptr : &failure, 0, ""});
  }

  tcp::socket socket_;
  std::size_t cancel_id_ = 0;
};

class BulkUser : public EchoUser {
 public:
  using EchoUser::EchoUser;
};

int main(int argc, char** argv) {
  std::int64_t users = 50;
  double rate = 25;
  double seconds = 10;
  long web_port = 8089;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--users")
      users = std::atoll(argv[i + 1]);
    else if (flag == "--rate")
      rate = std::atof(argv[i + 1]);
    else if (flag == "--seconds")
      seconds = std::atof(argv[i + 1]);
    else if (flag == "--web-port")
      web_port = std::atol(argv[i + 1]);
    else {
      std::fprintf(stderr, "use_as_lib: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }

  const cicada::UserClass chatty = cicada::UserClass::define<EchoUser>("EchoUser")
                                       .weight(3)
                                       .wait_time(cicada::between(0.05, 0.15))
                                       .task("short", &EchoUser::short_line);
  const cicada::UserClass bulk = cicada::UserClass::define<BulkUser>("BulkUser")
                                     .weight(1)
                                     .wait_time(cicada::constant(0.2))
                                     .task("long", &EchoUser::long_line);

  cicada::Environment env{{chatty, bulk}};

  tcp::acceptor acceptor(env.io_context(), {asio::ip::make_address("127.0.0.1"), 0});
  echo_port = acceptor.local_endpoint().port();
  cicada::spawn_logged(env.io_context().get_executor(), accept_connections(&acceptor),
                       "echo server");

  env.create_local_runner();
  // Watch it at http://127.0.0.1:8089 while it runs (start, edit, stop from there too).
  env.create_web_ui("127.0.0.1", static_cast<std::uint16_t>(web_port));
  env.runner().start(users, rate);
  env.runner().start_stats_history();
  cicada::report::start_stats_printer(env);  // the live table on stderr every 2 s
  env.runner().call_later(std::chrono::duration<double>(seconds), [&] { env.runner().quit(); });
  env.runner().join();
  env.web_ui()->stop();
  acceptor.close();

  for (const auto& line : cicada::report::stats_table(env.stats(), false))
    std::printf("%s\n", line.c_str());
  std::printf("\n");
  for (const auto& line : cicada::report::percentile_table(env.stats()))
    std::printf("%s\n", line.c_str());
  const auto& total = env.stats().total();
  std::printf("\nprecise: p50 %.3f ms, p99 %.3f ms over %lld requests\n",
              static_cast<double>(total.precise_percentile_us(0.5)) / 1000.0,
              static_cast<double>(total.precise_percentile_us(0.99)) / 1000.0,
              static_cast<long long>(total.num_requests()));
  return total.num_requests() > 0 && total.num_failures() == 0 ? 0 : 1;
}
