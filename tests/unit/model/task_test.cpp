#include "cicada/model/task.hpp"

#include <doctest/doctest.h>

#include "cicada/model/user_class.hpp"

namespace cicada {
namespace {

awaitable<void> nothing(TaskHolder&) {
  co_return;
}

Task plain(std::string name, std::vector<std::string> tags, int weight = 1) {
  Task task;
  task.name = std::move(name);
  task.tags = std::move(tags);
  task.weight = weight;
  task.run = nothing;
  return task;
}

std::vector<std::string> names(const TaskList& list) {
  std::vector<std::string> out;
  for (const auto& task : list.tasks) out.push_back(task.name);
  return out;
}

class Nested : public TaskSet {
 public:
  using TaskSet::TaskSet;
  awaitable<void> step() { co_return; }
};

}  // namespace

TEST_CASE("weights repeat tasks in the schedule, as Locust's task list does") {
  TaskList list;
  list.tasks = {plain("a", {}, 3), plain("b", {}, 1)};
  CHECK(list.schedule() == std::vector<std::size_t>{0, 0, 0, 1});
}

TEST_CASE("tag filtering keeps tagged tasks and drops excluded ones") {
  TaskList list;
  list.tasks = {plain("web", {"web"}), plain("api", {"api"}), plain("both", {"web", "api"}),
                plain("untagged", {})};
  SUBCASE("--tags keeps tasks with any listed tag and drops untagged ones") {
    CHECK(names(filter_by_tags(list, {"web"}, {})) == std::vector<std::string>{"web", "both"});
  }
  SUBCASE("--exclude-tags drops tasks with any listed tag") {
    CHECK(names(filter_by_tags(list, {}, {"api"})) == std::vector<std::string>{"web", "untagged"});
  }
  SUBCASE("both apply together") {
    CHECK(names(filter_by_tags(list, {"web"}, {"api"})) == std::vector<std::string>{"web"});
  }
  SUBCASE("no filters keep everything") {
    CHECK(filter_by_tags(list, {}, {}).tasks.size() == 4);
  }
}

TEST_CASE("a nested set survives filtering if any task inside does, and its tags apply inside") {
  TaskSetClass nested = TaskSetClass::define<Nested>("Nested")
                            .task("inner_web", &Nested::step, {.tags = {"web"}})
                            .task("inner_plain", &Nested::step);
  TaskList list;
  list.tasks = {plain("api", {"api"})};
  Task set_task;
  set_task.name = "Nested";
  set_task.task_set = std::make_shared<const TaskSetClass>(nested);
  list.tasks.push_back(set_task);

  auto web = filter_by_tags(list, {"web"}, {});
  REQUIRE(names(web) == std::vector<std::string>{"Nested"});
  CHECK(names(web.tasks[0].task_set->tasks()) == std::vector<std::string>{"inner_web"});

  CHECK(names(filter_by_tags(list, {"nothing"}, {})).empty());

  // Tags on the set itself tag everything inside it.
  list.tasks[1].tags = {"checkout"};
  auto checkout = filter_by_tags(list, {"checkout"}, {});
  REQUIRE(checkout.tasks.size() == 1);
  CHECK(checkout.tasks[0].task_set->tasks().tasks.size() == 2);
}

}  // namespace cicada
