#pragma once

#include <chrono>

#include <doctest/doctest.h>

#include "cicada/core/asio.hpp"

namespace cicada::test {

/// Runs `io` until `done()` holds; fails the test after `limit` (a hang
/// guard, not a timing assertion).
template <typename Done>
void run_until(asio::io_context& io, Done done,
               std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      FAIL("timed out waiting for a condition");
      return;
    }
    if (io.stopped()) io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
}

}  // namespace cicada::test
