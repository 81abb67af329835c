// cicada-target: an HTTP server to point load tests at (see target_server.hpp
// for its routes). Prints "listening on HOST:PORT" once it accepts.
//
//   cicada-target [--host 127.0.0.1] [--port 8080]
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <boost/asio/signal_set.hpp>

#include "cicada/target/target_server.hpp"

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  long port = 8080;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--host" && i + 1 < argc) {
      host = argv[++i];
    } else if (flag == "--port" && i + 1 < argc) {
      char* end = nullptr;
      port = std::strtol(argv[++i], &end, 10);
      if (*end != '\0') port = -1;
    } else {
      std::fprintf(stderr, "cicada-target: unknown or incomplete flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "cicada-target: --port must be 0..65535\n");
    return 2;
  }
  cicada::asio::io_context io;
  cicada::target::TargetServer server(io);
  try {
    const auto bound = server.listen(host, static_cast<std::uint16_t>(port));
    std::printf("listening on %s:%u\n", host.c_str(), static_cast<unsigned>(bound));
    std::fflush(stdout);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cicada-target: %s\n", e.what());
    return 1;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    server.stop();
    io.stop();
  });
  io.run();
  return 0;
}
