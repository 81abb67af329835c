// A compiled test plugin built against the installed cicada with one CMake
// call (cicada_add_test_plugin): a user class that records a made-up PING
// round trip, so the test needs no server, and a --ping-name option that names
// the stats row (a master passes it on to its workers).
#include "cicada/runner/environment.hpp"
#include "cicada/runner/test_plugin.hpp"

namespace {

class Pinger : public cicada::User {
 public:
  using User::User;
  cicada::awaitable<void> ping() {
    const std::string& name = environment().options().custom_options.at("ping_name");
    record_request({.request_type = "PING",
                    .name = name,
                    .response_time = std::chrono::microseconds(250),
                    .response_length = 4});
    co_return;
  }
};

void define_ping_test(cicada::TestPlugin& plugin) {
  plugin.add_option(
      {.name = "ping-name", .help = "The stats row of each ping", .default_value = "/ping"});
  plugin.add_user_class(cicada::UserClass::define<Pinger>("Pinger")
                            .wait_time(cicada::constant(0.05))
                            .task("ping", &Pinger::ping));
}

}  // namespace

CICADA_TEST_PLUGIN(define_ping_test)
