#include "cicada/core/recently_interned.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

TEST_CASE("recently interned: equal values made in a row share one copy") {
  cicada::RecentlyInterned<std::string> interned;
  const auto first = interned.intern("Waiter");
  const auto second = interned.intern(std::string("Wait") + "er");
  CHECK(first.get() == second.get());
  CHECK(*second == "Waiter");
  CHECK(first.use_count() == 2);
}

TEST_CASE("recently interned: values of a few classes made in turns share per class") {
  cicada::RecentlyInterned<std::string> interned;
  std::vector<std::shared_ptr<const std::string>> held;
  for (int round = 0; round < 100; ++round) {
    for (const char* name : {"Browser", "Buyer", "Admin"}) held.push_back(interned.intern(name));
  }
  for (std::size_t i = 3; i < held.size(); ++i) CHECK(held[i].get() == held[i % 3].get());
}

TEST_CASE("recently interned: a value whose holders are gone is made anew, not kept") {
  cicada::RecentlyInterned<std::string> interned;
  std::weak_ptr<const std::string> gone;
  {
    const auto value = interned.intern("short-lived");
    gone = value;
  }
  CHECK(gone.expired());  // the cache alone keeps nothing alive
  CHECK(*interned.intern("short-lived") == "short-lived");
}

TEST_CASE("recently interned: values that differ are never merged") {
  cicada::RecentlyInterned<std::string, 4> interned;
  std::vector<std::shared_ptr<const std::string>> held;
  for (int i = 0; i < 50; ++i) held.push_back(interned.intern("user-" + std::to_string(i)));
  for (int i = 0; i < 50; ++i)
    CHECK(*held[static_cast<std::size_t>(i)] == "user-" + std::to_string(i));
  // Older than the last 4: an equal value is a new copy, still equal.
  const auto again = interned.intern("user-0");
  CHECK(again.get() != held[0].get());
  CHECK(*again == *held[0]);
}

}  // namespace
