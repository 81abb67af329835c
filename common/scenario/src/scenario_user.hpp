#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cicada/http/http_user.hpp"
#include "steps.hpp"

namespace cicada::scenario::detail {

/// A user defined by a scenario file: an HttpUser with variables (captures
/// and its data rows) and on_start/on_stop steps.
class ScenarioUser : public HttpUser {
 public:
  ScenarioUser(UserContext context, std::shared_ptr<const UserPlan> plan);

  awaitable<void> on_start() override;
  awaitable<void> on_stop() override;

  std::map<std::string, std::string>& variables() { return variables_; }
  RenderContext render_context();

 private:
  std::shared_ptr<const UserPlan> plan_;
  std::map<std::string, std::string> variables_;
};

/// Runs steps in order (requests, think times, nested sequences).
awaitable<void> run_steps(ScenarioUser* user, const std::vector<Step>* steps);

}  // namespace cicada::scenario::detail
