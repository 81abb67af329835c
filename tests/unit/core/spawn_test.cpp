#include "cicada/core/spawn.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

namespace cicada {
namespace {

awaitable<void> fails() {
  throw std::runtime_error("boom");
  co_return;
}

awaitable<void> succeeds() {
  co_return;
}

}  // namespace

TEST_CASE(
    "a background task that throws is counted (it makes the exit code 2), one that ends is not") {
  asio::io_context io;
  const auto before = background_failures();
  spawn_logged(io.get_executor(), succeeds(), "fine task");
  io.run();
  CHECK(background_failures() == before);
  io.restart();
  spawn_logged(io.get_executor(), fails(), "failing task");
  io.run();
  CHECK(background_failures() == before + 1);
}

}  // namespace cicada
