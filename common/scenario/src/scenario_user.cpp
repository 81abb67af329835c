#include "scenario_user.hpp"

#include <sstream>

namespace cicada::scenario::detail {
namespace {

std::string short_text(const nlohmann::json& value) {
  std::string text = value.dump();
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

nlohmann::json render_json(const nlohmann::json& value, const JsonBody& body,
                           const RenderContext& context) {
  if (value.is_string()) {
    auto it = body.templates.find(value.get<std::string>());
    return it == body.templates.end() ? value : nlohmann::json(it->second.render(context));
  }
  if (value.is_array() || value.is_object()) {
    nlohmann::json copy = value;
    for (auto& item : copy) item = render_json(item, body, context);
    return copy;
  }
  return value;
}

std::vector<std::pair<std::string, std::string>> render_pairs(
    const std::vector<std::pair<std::string, Template>>& pairs, const RenderContext& context) {
  std::vector<std::pair<std::string, std::string>> rendered;
  rendered.reserve(pairs.size());
  for (const auto& [key, value] : pairs) rendered.emplace_back(key, value.render(context));
  return rendered;
}

bool is_constant(const std::vector<std::pair<std::string, Template>>& pairs) {
  for (const auto& [key, value] : pairs) {
    if (!value.is_constant()) return false;
  }
  return true;
}

/// The first failed check, or "" when every check passed.
std::string check(const Expect& expect, const http::Response& response,
                  const RenderContext& context, std::optional<nlohmann::json>& parsed_body) {
  if (!expect.statuses.empty()) {
    bool matched = false;
    for (int status : expect.statuses) matched = matched || status == response.status();
    if (!matched) {
      std::string wanted;
      for (int status : expect.statuses)
        wanted += (wanted.empty() ? "" : " or ") + std::to_string(status);
      return "expected status " + wanted + ", got " + std::to_string(response.status());
    }
  }
  if (expect.body_contains) {
    const std::string needle = expect.body_contains->render(context);
    if (response.body().find(needle) == std::string_view::npos)
      return "body does not contain '" + needle + "'";
  }
  for (const auto& [path, expected] : expect.json_equals) {
    if (!parsed_body) parsed_body = nlohmann::json::parse(response.body(), nullptr, false);
    const nlohmann::json* found =
        parsed_body->is_discarded() ? nullptr : find_json_path(*parsed_body, path);
    if (found == nullptr) return path + " not found in the response";
    const nlohmann::json wanted = render_json(expected.value, expected, context);
    if (*found != wanted)
      return path + " is " + short_text(*found) + ", expected " + short_text(wanted);
  }
  return "";
}

std::string capture(const std::vector<Capture>& captures, const http::Response& response,
                    std::map<std::string, std::string>& variables,
                    std::optional<nlohmann::json>& parsed_body) {
  for (const Capture& wanted : captures) {
    std::optional<std::string> value;
    switch (wanted.kind) {
      case Capture::Kind::kJson: {
        if (!parsed_body) parsed_body = nlohmann::json::parse(response.body(), nullptr, false);
        const nlohmann::json* found =
            parsed_body->is_discarded() ? nullptr : find_json_path(*parsed_body, wanted.source);
        if (found != nullptr)
          value = found->is_string() ? found->get<std::string>() : found->dump();
        break;
      }
      case Capture::Kind::kHeader:
        if (auto header = response.header(wanted.source)) value = std::string(*header);
        break;
      case Capture::Kind::kRegex: {
        std::cmatch match;
        const std::string_view body = response.body();
        if (std::regex_search(body.data(), body.data() + body.size(), match, wanted.regex)) {
          value = match.size() > 1 ? match[1].str() : match[0].str();
        }
        break;
      }
    }
    if (!value)
      return "capture " + wanted.variable + ": nothing matched " +
             (wanted.kind == Capture::Kind::kRegex ? "the regex" : wanted.source);
    variables[wanted.variable] = *value;
  }
  return "";
}

awaitable<http::Response> send_rendered(ScenarioUser* user, const RequestStep* step,
                                        RenderContext context) {
  http::RequestOptions options;
  options.catch_response = true;
  if (step->name) options.name = step->name->render(context);
  options.headers = render_pairs(step->headers, context);
  options.query = render_pairs(step->query, context);
  options.form = render_pairs(step->form, context);
  if (step->body) options.body = step->body->render(context);
  // A captured value may hold bytes that are not UTF-8: send U+FFFD for them
  // rather than fail the user.
  if (step->json) {
    options.json = render_json(step->json->value, *step->json, context)
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (step->timeout_seconds)
    options.timeout = std::chrono::duration<double>(*step->timeout_seconds);
  http::Response response =
      co_await user->client().request(step->method, step->url.render(context), std::move(options));
  co_return response;
}

// Not a coroutine: the request's coroutine is the only frame. A constant
// request's view lives in the step, which outlives the request.
awaitable<http::Response> send_step(ScenarioUser* user, const RequestStep* step,
                                    const RenderContext& context) {
  if (step->constant) return user->client().send(step->constant->view);
  return send_rendered(user, step, context);
}

// The step's expectations and captures, once its response is in.
void judge(ScenarioUser* user, const RequestStep* step, const RenderContext& context,
           http::Response& response) {
  if (!step->expect.statuses.empty() && response.status() != 0) {
    response.success();  // the expected statuses decide, not the >= 400 rule
  }
  if (response.status() == 0) return;  // transport failure: already a failure
  std::optional<nlohmann::json> parsed_body;
  std::string failure = check(step->expect, response, context, parsed_body);
  if (failure.empty() && (!step->expect.statuses.empty() || response.ok()))
    failure = capture(step->captures, response, user->variables(), parsed_body);
  if (!failure.empty()) response.failure(failure);
}

// Its frame lives for each request in flight: it holds the response and
// little else (the work around the co_await is in plain functions).
awaitable<void> run_request(ScenarioUser* user, const RequestStep* step) {
  const RenderContext context = user->render_context();
  http::Response response = co_await send_step(user, step, context);
  judge(user, step, context, response);
}

}  // namespace

namespace {

// The class's `http:` settings, where the command line did not set them.
http::SessionOptions session_options(const UserContext& context, const UserPlan& plan) {
  http::SessionOptions options = HttpUser::session_defaults(context);
  const HttpSettings& http = plan.http;
  if (http.connect_timeout_seconds && !context.http_connect_timeout_seconds)
    options.connect_timeout = std::chrono::duration<double>(*http.connect_timeout_seconds);
  if (http.network_timeout_seconds && !context.http_network_timeout_seconds)
    options.network_timeout = std::chrono::duration<double>(*http.network_timeout_seconds);
  if (http.max_body_bytes && !context.http_max_body_bytes)
    options.max_body_bytes = static_cast<std::size_t>(*http.max_body_bytes);
  return options;
}

}  // namespace

ScenarioUser::ScenarioUser(UserContext context, std::shared_ptr<const UserPlan> plan)
    : HttpUser(context, session_options(context, *plan)), plan_(std::move(plan)) {
  for (const auto& data : plan_->data) {
    if (data->rows.empty()) continue;
    const std::size_t row = data->mode == DataSet::Mode::kCycle
                                ? static_cast<std::size_t>(user_index()) % data->rows.size()
                                : static_cast<std::size_t>(random()() % data->rows.size());
    for (const auto& [field, value] : data->rows[row]) variables_[data->name + "." + field] = value;
  }
}

RenderContext ScenarioUser::render_context() {
  return RenderContext{&variables_, user_index(), &random()};
}

awaitable<void> ScenarioUser::on_start() {
  co_await run_steps(this, &plan_->on_start);
}

awaitable<void> ScenarioUser::on_stop() {
  co_await run_steps(this, &plan_->on_stop);
}

awaitable<void> run_step_list(ScenarioUser* user, const std::vector<Step>* steps) {
  for (const Step& step : *steps) {
    if (const auto* request = std::get_if<RequestStep>(&step.action)) {
      co_await run_request(user, request);
    } else if (const auto* think = std::get_if<ThinkStep>(&step.action)) {
      co_await user->sleep(std::chrono::duration<double>(think->seconds));
    } else {
      co_await run_steps(user, &std::get<SequenceStep>(step.action).steps);
    }
  }
}

awaitable<void> run_steps(ScenarioUser* user, const std::vector<Step>* steps) {
  // The common task is one request: run it without a frame for the list.
  if (steps->size() == 1) {
    if (const auto* request = std::get_if<RequestStep>(&steps->front().action))
      return run_request(user, request);
  }
  return run_step_list(user, steps);
}

void prepare_constant(RequestStep& step) {
  if (!step.url.is_constant() || (step.name && !step.name->is_constant()) ||
      !is_constant(step.headers) || !step.query.empty() || !step.form.empty() ||
      (step.body && !step.body->is_constant()) || (step.json && !step.json->templates.empty()))
    return;
  const RenderContext none{};
  auto constant = std::make_shared<ConstantRequest>();
  constant->method = step.method;
  constant->url = step.url.render(none);
  if (step.timeout_seconds)
    constant->timeout = std::chrono::duration<double>(*step.timeout_seconds);
  if (step.name) constant->name = step.name->render(none);
  constant->headers = render_pairs(step.headers, none);
  if (step.body) constant->body = step.body->render(none);
  if (step.json) {
    constant->body = step.json->value.dump();
    constant->content_type = "application/json";
  }
  http::RequestView& view = constant->view;
  view.method = constant->method;
  view.url = constant->url;
  view.name = constant->name;
  view.headers = &constant->headers;
  view.body = constant->body;
  view.content_type = constant->content_type;
  view.timeout = constant->timeout;
  view.catch_response = true;
  step.constant = std::move(constant);
}

bool valid_json_path(const std::string& path) {
  if (path.empty() || path[0] != '$') return false;
  std::size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      const auto next = path.find_first_of(".[", i + 1);
      if (next == i + 1) return false;
      i = next == std::string::npos ? path.size() : next;
    } else if (path[i] == '[') {
      const auto close = path.find(']', i);
      if (close == std::string::npos || close == i + 1) return false;
      for (std::size_t k = i + 1; k < close; ++k) {
        if (!std::isdigit(static_cast<unsigned char>(path[k]))) return false;
      }
      i = close + 1;
    } else {
      return false;
    }
  }
  return true;
}

const nlohmann::json* find_json_path(const nlohmann::json& document, const std::string& path) {
  const nlohmann::json* current = &document;
  std::size_t i = 1;
  while (i < path.size() && current != nullptr) {
    if (path[i] == '.') {
      const auto next = path.find_first_of(".[", i + 1);
      const std::string key =
          path.substr(i + 1, next == std::string::npos ? std::string::npos : next - i - 1);
      current = current->is_object() && current->contains(key) ? &(*current)[key] : nullptr;
      i = next == std::string::npos ? path.size() : next;
    } else {
      const auto close = path.find(']', i);
      const auto index = std::stoul(path.substr(i + 1, close - i - 1));
      current = current->is_array() && index < current->size() ? &(*current)[index] : nullptr;
      i = close + 1;
    }
  }
  return current;
}

}  // namespace cicada::scenario::detail
