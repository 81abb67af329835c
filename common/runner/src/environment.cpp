#include "cicada/runner/environment.hpp"

#include <algorithm>
#include <random>
#include <set>
#include <stdexcept>

#include "cicada/runner/local_runner.hpp"

namespace cicada {
namespace {

std::vector<UserClass> runnable(std::vector<UserClass> classes) {
  std::set<std::string> names;
  std::vector<UserClass> kept;
  for (auto& user_class : classes) {
    if (!names.insert(user_class.name()).second) {
      throw std::invalid_argument("two user classes are named '" + user_class.name() + "'");
    }
    if (user_class.weight() > 0 || user_class.fixed_count() > 0)
      kept.push_back(std::move(user_class));
  }
  // An empty list is allowed: a master can learn its classes from its workers.
  if (kept.empty() && !classes.empty())
    throw std::invalid_argument("There are no users with weight > 0.");
  return kept;
}

}  // namespace

Environment::Environment(std::vector<UserClass> user_classes, EnvironmentOptions options,
                         const Clock& clock)
    : clock_(clock),
      user_classes_(runnable(std::move(user_classes))),
      options_(std::move(options)),
      seed_(options_.seed ? *options_.seed : std::random_device{}()),
      stats_(clock) {
  // Statistics are a listener of the request event, as in Locust.
  events_.request.add_listener([this](const RequestEvent& event) {
    std::optional<std::uint64_t> response_time_us;
    if (event.response_time) {
      response_time_us =
          static_cast<std::uint64_t>(std::max<std::int64_t>(0, event.response_time->count()));
    }
    std::optional<std::uint64_t> expected_interval_us;
    if (event.expected_interval && event.expected_interval->count() > 0) {
      expected_interval_us = static_cast<std::uint64_t>(event.expected_interval->count());
    }
    stats_.log_request(event.request_type, event.name, response_time_us, event.response_length,
                       event.error, expected_interval_us);
  });
}

Environment::~Environment() {
  // Users and their coroutines go first, while the loop they run on still exists.
  runner_.reset();
}

LocalRunner& Environment::create_local_runner() {
  if (runner_) throw std::logic_error("this Environment already has a runner");
  auto runner = std::make_unique<LocalRunner>(*this);
  LocalRunner& local = *runner;
  runner_ = std::move(runner);
  return local;
}

Runner& Environment::runner() {
  if (!runner_) throw std::logic_error("no runner: call create_local_runner() first");
  return *runner_;
}

void Environment::reset_stats() {
  stats_.reset_all();
  events_.reset_stats.fire();
}

void Environment::update_user_class(const UserClassSettings& settings) {
  const std::string& name = settings.user_class_name;
  auto own = std::find_if(user_classes_.begin(), user_classes_.end(),
                          [&](const UserClass& c) { return c.name() == name; });
  if (own != user_classes_.end()) {
    UserClass updated = *own;
    updated.update(settings);
    const bool another_runs = std::any_of(user_classes_.begin(), user_classes_.end(), [&](auto& c) {
      return c.name() != name && (c.weight() > 0 || c.fixed_count() > 0);
    });
    if (updated.weight() == 0 && updated.fixed_count() == 0 && !another_runs)
      throw std::invalid_argument("There are no users with weight > 0.");
    own->update(settings);
  } else if (!runner_ || !runner_->has_user_class(name)) {
    throw std::invalid_argument("unknown user class '" + name + "'");
  }
  if (runner_) runner_->user_class_updated(settings);
}

const UserClass* Environment::find_user_class(const std::string& name) const {
  for (const auto& user_class : user_classes_) {
    if (user_class.name() == name) return &user_class;
  }
  return nullptr;
}

}  // namespace cicada
