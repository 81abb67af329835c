// A compiled test plugin as a user writes one (the locustfile of cicada),
// used by the CLI tests: an HTTP user class with tagged tasks, a custom
// option (--product-id) that decides what the user asks for, and an init
// hook that listens to test_start. Everything it calls lives in the
// executable that loads it.
#include <spdlog/spdlog.h>

#include "cicada/http/http_user.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/runner/test_plugin.hpp"

namespace {

class Shopper : public cicada::HttpUser {
 public:
  using HttpUser::HttpUser;

  cicada::awaitable<void> on_start() override {
    product_ = environment().options().custom_options.at("product_id");
    co_return;
  }

  // The options are a named variable, not a braced temporary inside the
  // co_await expression, which GCC 12 miscompiles (docs/library.md).
  cicada::awaitable<void> view_item() {
    const cicada::http::RequestOptions options{.name = "/item/" + product_};
    co_await client().get("/json?id=" + product_, options);
  }
  cicada::awaitable<void> checkout() {
    const cicada::http::RequestOptions options{.name = "/checkout", .body = product_};
    co_await client().post("/echo", options);
  }

 private:
  std::string product_;
};

void define_shop_test(cicada::TestPlugin& plugin) {
  plugin.add_option(
      {.name = "product-id", .help = "The product every Shopper views", .default_value = "1"});
  plugin.add_user_class(cicada::UserClass::define<Shopper>("Shopper")
                            .wait_time(cicada::constant(0.05))
                            .task("view_item", &Shopper::view_item, {.tags = {"browse"}})
                            .task("checkout", &Shopper::checkout, {.tags = {"buy"}}));
  plugin.on_init([](cicada::Environment& environment) {
    environment.events().test_start.add_listener([](cicada::Environment& started) {
      spdlog::info("shop plugin: test_start, product {}",
                   started.options().custom_options.at("product_id"));
    });
    environment.events().quit.add_listener(
        [](int exit_code) { spdlog::info("shop plugin: quit, exit code {}", exit_code); });
  });
}

}  // namespace

CICADA_TEST_PLUGIN(define_shop_test)
