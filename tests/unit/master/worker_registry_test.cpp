#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "cicada/master/worker_registry.hpp"

namespace {

using cicada::WorkerNode;
using cicada::WorkerRegistry;

WorkerNode node_heard_at(std::string id, double heard_at) {
  WorkerNode node;
  node.id = std::move(id);
  node.last_heartbeat_at = heard_at;
  return node;
}

std::vector<std::string> ids_silent_since(WorkerRegistry& registry, double time) {
  std::vector<std::string> ids;
  for (const WorkerNode* node : registry.silent_since(time)) ids.push_back(node->id);
  return ids;
}

}  // namespace

TEST_CASE("workers are found by id, listed in id order, and forgotten") {
  WorkerRegistry registry;
  registry.put(node_heard_at("b", 1));
  registry.put(node_heard_at("a", 2));
  REQUIRE(registry.find("a") != nullptr);
  CHECK(registry.find("a")->last_heartbeat_at == 2);
  CHECK(registry.find("c") == nullptr);
  std::vector<std::string> listed;
  for (const auto& [id, node] : registry.nodes()) listed.push_back(id);
  CHECK(listed == std::vector<std::string>{"a", "b"});

  CHECK(registry.erase("b"));
  CHECK_FALSE(registry.erase("b"));
  CHECK(registry.find("b") == nullptr);
  CHECK(registry.size() == 1);
  CHECK(ids_silent_since(registry, 10) == std::vector<std::string>{"a"});
}

TEST_CASE("the count of active workers follows registrations, states and removals") {
  WorkerRegistry registry;
  WorkerNode& first = registry.put(node_heard_at("w1", 1));
  registry.put(node_heard_at("w2", 1));
  CHECK(registry.active_count() == 2);  // a registered worker is ready

  registry.set_state(first, "running");
  CHECK(registry.active_count() == 2);
  registry.set_state(first, "missing");
  CHECK(registry.active_count() == 1);
  registry.set_state(first, "missing");
  CHECK(registry.active_count() == 1);

  // Registering again replaces the node: ready, active once more, still one entry.
  registry.put(node_heard_at("w1", 2));
  CHECK(registry.active_count() == 2);
  CHECK(registry.size() == 2);
  CHECK(registry.find("w1")->state == "ready");

  registry.erase("w2");
  CHECK(registry.active_count() == 1);
}

TEST_CASE("only the workers silent since a time are visited, the longest silent first") {
  WorkerRegistry registry;
  for (int i = 0; i < 5000; ++i) registry.put(node_heard_at("worker-" + std::to_string(i), 0));
  // Everyone but two speaks again.
  for (int i = 0; i < 5000; ++i) {
    if (i == 17 || i == 4000) continue;
    registry.heard_from(*registry.find("worker-" + std::to_string(i)), 1 + i * 1e-4);
  }
  CHECK(ids_silent_since(registry, 0.5) == std::vector<std::string>{"worker-17", "worker-4000"});
  CHECK(ids_silent_since(registry, 0) == std::vector<std::string>{});

  // One of them comes back; a re-registration counts as a sign of life too.
  registry.heard_from(*registry.find("worker-4000"), 2);
  registry.put(node_heard_at("worker-17", 2.5));
  CHECK(ids_silent_since(registry, 1.00005).size() == 1);  // worker-0, heard at 1
  CHECK(ids_silent_since(registry, 1.00005).front() == "worker-0");
  CHECK(ids_silent_since(registry, 2.2) == [] {
    std::vector<std::string> all_but_two;
    for (int i = 0; i < 5000; ++i) {
      if (i != 17 && i != 4000) all_but_two.push_back("worker-" + std::to_string(i));
    }
    all_but_two.push_back("worker-4000");
    return all_but_two;
  }());

  // A forgotten worker is never visited again.
  registry.erase("worker-0");
  CHECK(ids_silent_since(registry, 1.00005).empty());
}

TEST_CASE("the user count follows each worker's last report, re-registrations and removals") {
  WorkerRegistry registry;
  WorkerNode& first = registry.put(node_heard_at("w1", 1));
  WorkerNode& second = registry.put(node_heard_at("w2", 1));
  registry.set_class_counts(first, {{"Browse", 7}, {"Buy", 3}});
  registry.set_class_counts(second, {{"Browse", 5}});
  CHECK(registry.user_count() == 15);

  // A report replaces what the worker said before; a class it no longer names is gone.
  registry.set_class_counts(first, {{"Buy", 4}});
  CHECK(registry.user_count() == 9);
  CHECK(first.user_classes_count == std::map<std::string, std::int64_t>{{"Buy", 4}});

  registry.set_class_counts(second, {});  // gone missing: its users are not counted
  CHECK(registry.user_count() == 4);
  registry.set_class_counts(second, {{"Browse", 6}});
  CHECK(registry.user_count() == 10);

  registry.put(node_heard_at("w1", 2));  // registered again: it starts with no users
  CHECK(registry.user_count() == 6);
  registry.erase("w2");
  CHECK(registry.user_count() == 0);
}
