#include "cicada/model/user.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace cicada {
namespace {

class Plain : public User {
 public:
  using User::User;
};

struct CountingHook final : KillHook {
  CountingHook(std::vector<std::string>& into, std::string called)
      : log(into), name(std::move(called)) {}
  void on_kill() override { log.push_back(name); }
  std::vector<std::string>& log;
  std::string name;
};

UserContext context_on(asio::io_context& io, std::string class_name, std::int64_t index) {
  UserContext context;
  context.executor = io.get_executor();
  context.class_name = std::move(class_name);
  context.host = "http://127.0.0.1:1";
  context.user_index = index;
  context.seed = static_cast<std::uint64_t>(index) + 7;
  return context;
}

}  // namespace

TEST_CASE("a kill reaches every registered hook, and a removed one no more") {
  asio::io_context io;
  Plain user(context_on(io, "Hooked", 0));
  std::vector<std::string> log;
  CountingHook first(log, "first");
  CountingHook second(log, "second");
  CountingHook third(log, "third");
  user.add_kill_hook(first);
  user.add_kill_hook(second);
  user.add_kill_hook(third);
  int function_hook_calls = 0;
  user.on_kill([&] { ++function_hook_calls; });

  user.remove_kill_hook(second);
  user.kill();
  std::sort(log.begin(), log.end());
  CHECK(log == std::vector<std::string>{"first", "third"});
  CHECK(function_hook_calls == 1);
  CHECK(user.kill_pending());

  user.remove_kill_hook(first);
  user.remove_kill_hook(third);
  log.clear();
  user.kill();
  CHECK(log.empty());
}

TEST_CASE("users keep their own index and generator while sharing their class's context") {
  asio::io_context io;
  Plain first(context_on(io, "Shopper", 0));
  Plain second(context_on(io, "Shopper", 1));
  Plain other(context_on(io, "Browser", 2));
  CHECK(first.class_name() == "Shopper");
  CHECK(second.class_name() == "Shopper");
  CHECK(other.class_name() == "Browser");
  CHECK(&first.class_name() == &second.class_name());  // one copy for the class
  CHECK(first.user_index() == 0);
  CHECK(second.user_index() == 1);
  CHECK(other.user_index() == 2);
  CHECK(first.host() == "http://127.0.0.1:1");
  CHECK(first.random()() != second.random()());  // seeded per user
}

}  // namespace cicada
