#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cicada/http/http_session.hpp"
#include "template.hpp"

namespace cicada::scenario::detail {

/// A value taken from a response into a variable.
struct Capture {
  enum class Kind { kJson, kHeader, kRegex };
  std::string variable;
  Kind kind = Kind::kJson;
  std::string source;  ///< JSON path ("$.a.b[0]") or header name
  std::regex regex;    ///< kRegex: group 1 if any, else the whole match
};

/// A JSON value whose strings may hold ${...} templates.
struct JsonBody {
  nlohmann::json value;
  std::map<std::string, Template> templates;  ///< by the original string
};

/// Checks that turn a response into a failure.
struct Expect {
  std::vector<int> statuses;  ///< empty: Locust's rule (< 400 passes)
  std::optional<Template> body_contains;
  std::vector<std::pair<std::string, JsonBody>> json_equals;  ///< (path, expected value)
};

/// A request step with no ${...} anywhere, rendered once at load time: every
/// user sends it from these strings, with no rendering or copying per request.
struct ConstantRequest {
  std::string method;
  std::string url;
  std::optional<std::chrono::duration<double>> timeout;
  std::string name;  ///< empty: the URL's path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;
  /// The request as sent, viewing the fields above: made once, where the
  /// request stays (it is shared, never copied), so a request in flight
  /// holds a reference to it, not a copy.
  http::RequestView view;
};

struct RequestStep {
  std::string method;
  /// Set when nothing in the request varies.
  std::shared_ptr<const ConstantRequest> constant;
  Template url;
  std::optional<Template> name;
  std::vector<std::pair<std::string, Template>> headers;
  std::vector<std::pair<std::string, Template>> query;
  std::vector<std::pair<std::string, Template>> form;
  std::optional<Template> body;
  std::optional<JsonBody> json;
  Expect expect;
  std::vector<Capture> captures;
  std::optional<double>
      timeout_seconds;  ///< `timeout:` on the step: this request's network timeout
};

struct ThinkStep {
  double seconds = 0;
};

struct Step;
struct SequenceStep {
  std::vector<Step> steps;
};

struct Step {
  std::variant<RequestStep, ThinkStep, SequenceStep> action;
};

/// Rows of a data set, and how users pick one.
struct DataSet {
  std::string name;
  enum class Mode { kCycle, kRandom } mode = Mode::kCycle;
  std::vector<std::map<std::string, std::string>> rows;
};

/// The `http:` settings of a scenario or user class (unset: the defaults).
struct HttpSettings {
  std::optional<double> connect_timeout_seconds;
  std::optional<double> network_timeout_seconds;
  std::optional<std::uint64_t> max_body_bytes;
};

/// Everything a scenario user class needs at run time.
struct UserPlan {
  HttpSettings http;
  std::vector<Step> on_start;
  std::vector<Step> on_stop;
  std::vector<std::shared_ptr<const DataSet>> data;
};

/// Fills `step.constant` when the step's request has no templates and no
/// query or form parameters (those are encoded by the HTTP session).
void prepare_constant(RequestStep& step);

/// Finds `path` ("$.a.b[0].c") in `document`; nullptr when absent.
const nlohmann::json* find_json_path(const nlohmann::json& document, const std::string& path);
/// Whether `path` is a JSON path this module understands.
bool valid_json_path(const std::string& path);

}  // namespace cicada::scenario::detail
