#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cicada/core/timespan.hpp"
#include "cicada/scenario/scenario.hpp"
#include "scenario_user.hpp"

namespace cicada::scenario {
namespace {

using detail::Capture;
using detail::DataSet;
using detail::RequestStep;
using detail::Step;
using detail::Template;

const std::set<std::string> kMethods = {"get", "post", "put", "patch", "delete", "head", "options"};

/// Reads one file's YAML, turning every problem into "file:line:col: message".
// Task weights become copies in the task list (Locust's model): keep it sane.
constexpr std::int64_t kMaxTaskWeight = 1'000'000;

class Loader {
 public:
  Loader(std::string file_name, std::string base_dir)
      : file_(std::move(file_name)), base_dir_(std::move(base_dir)) {}

  Scenario load(const std::string& text);

 private:
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    const YAML::Mark mark = at.Mark();
    std::ostringstream out;
    out << file_;
    if (mark.line >= 0) out << ":" << mark.line + 1 << ":" << mark.column + 1;
    out << ": " << message;
    throw ScenarioError(out.str());
  }

  void allow_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                  const std::string& what) const {
    for (const auto& entry : map) {
      if (!entry.first.IsScalar()) fail(entry.first, "a key in " + what + " must be a name");
      const std::string key = entry.first.as<std::string>();
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& name : allowed) list += (list.empty() ? "" : ", ") + name;
        fail(entry.first,
             "unknown key '" + key + "' in " + what + " (expected one of: " + list + ")");
      }
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) fail(node, what + " must be a single value");
    return node.as<std::string>();
  }

  double number(const YAML::Node& node, const std::string& what) const {
    const std::string text = scalar(node, what);
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') fail(node, what + " must be a number, got '" + text + "'");
    return value;
  }

  /// A positive number of seconds.
  double seconds(const YAML::Node& node, const std::string& what) const {
    const double value = number(node, what);
    if (!(value > 0)) fail(node, what + " must be a positive number of seconds");
    return value;
  }

  /// `http: {connect_timeout: s, timeout: s, max_body_size: bytes}` over `settings`.
  void http_settings(const YAML::Node& node, detail::HttpSettings& settings) {
    if (!node.IsMap()) fail(node, "http must be a map of connect_timeout, timeout, max_body_size");
    allow_keys(node, {"connect_timeout", "timeout", "max_body_size"}, "http");
    if (node["connect_timeout"])
      settings.connect_timeout_seconds = seconds(node["connect_timeout"], "connect_timeout");
    if (node["timeout"]) settings.network_timeout_seconds = seconds(node["timeout"], "timeout");
    if (node["max_body_size"]) {
      const auto bytes = integer(node["max_body_size"], "max_body_size");
      if (bytes < 1)
        fail(node["max_body_size"], "max_body_size must be a positive number of bytes");
      settings.max_body_bytes = static_cast<std::uint64_t>(bytes);
    }
  }

  std::int64_t integer(const YAML::Node& node, const std::string& what) const {
    const std::string text = scalar(node, what);
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0')
      fail(node, what + " must be a whole number, got '" + text + "'");
    if (errno == ERANGE) fail(node, what + " is too large: " + text);
    return value;
  }

  Template compile(const YAML::Node& node, const std::string& what) {
    try {
      Template compiled(scalar(node, what));
      for (const auto& variable : compiled.variables())
        used_variables_.emplace_back(variable, node);
      return compiled;
    } catch (const std::invalid_argument& e) {
      fail(node, what + ": " + e.what());
    }
  }

  std::vector<std::string> string_list(const YAML::Node& node, const std::string& what) const {
    std::vector<std::string> values;
    if (node.IsScalar()) return {node.as<std::string>()};
    if (!node.IsSequence()) fail(node, what + " must be a list");
    for (const auto& item : node) values.push_back(scalar(item, what));
    return values;
  }

  std::vector<std::pair<std::string, Template>> pairs(const YAML::Node& node,
                                                      const std::string& what) {
    if (!node.IsMap()) fail(node, what + " must be a map of names to values");
    std::vector<std::pair<std::string, Template>> result;
    for (const auto& entry : node) {
      result.emplace_back(scalar(entry.first, what),
                          compile(entry.second, what + "." + entry.first.as<std::string>()));
    }
    return result;
  }

  nlohmann::json to_json(const YAML::Node& node, detail::JsonBody& body) {
    if (node.IsMap()) {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& entry : node)
        object[entry.first.as<std::string>()] = to_json(entry.second, body);
      return object;
    }
    if (node.IsSequence()) {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& item : node) array.push_back(to_json(item, body));
      return array;
    }
    if (node.IsNull()) return nullptr;
    const std::string text = node.as<std::string>();
    if (node.Tag() == "?") {  // a plain (unquoted) scalar: YAML's own typing
      if (text == "true" || text == "false") return text == "true";
      if (text == "null" || text == "~") return nullptr;
      char* end = nullptr;
      const long long integer_value = std::strtoll(text.c_str(), &end, 10);
      if (!text.empty() && *end == '\0') return integer_value;
      const double number_value = std::strtod(text.c_str(), &end);
      if (!text.empty() && *end == '\0') return number_value;
    }
    if (text.find("${") != std::string::npos) body.templates.emplace(text, compile(node, "json"));
    return text;
  }

  detail::Expect expect(const YAML::Node& node) {
    if (!node.IsMap()) fail(node, "expect must be a map (status, body_contains, json)");
    allow_keys(node, {"status", "body_contains", "json"}, "expect");
    detail::Expect result;
    if (node["status"]) {
      const YAML::Node status = node["status"];
      if (status.IsSequence()) {
        for (const auto& item : status)
          result.statuses.push_back(static_cast<int>(integer(item, "expect.status")));
      } else {
        result.statuses.push_back(static_cast<int>(integer(status, "expect.status")));
      }
      for (int code : result.statuses) {
        if (code < 100 || code > 599)
          fail(status, "expect.status " + std::to_string(code) + " is not an HTTP status");
      }
    }
    if (node["body_contains"])
      result.body_contains = compile(node["body_contains"], "expect.body_contains");
    if (node["json"]) {
      const YAML::Node json = node["json"];
      if (!json.IsMap()) fail(json, "expect.json must map JSON paths ($.a.b) to expected values");
      for (const auto& entry : json) {
        const std::string path = scalar(entry.first, "expect.json path");
        if (!detail::valid_json_path(path))
          fail(entry.first, "'" + path + "' is not a JSON path like $.items[0].id");
        detail::JsonBody expected;
        expected.value = to_json(entry.second, expected);
        result.json_equals.emplace_back(path, std::move(expected));
      }
    }
    return result;
  }

  std::vector<Capture> captures(const YAML::Node& node) {
    if (!node.IsMap())
      fail(node, "capture must map variable names to {json: ...}, {header: ...} or {regex: ...}");
    std::vector<Capture> result;
    for (const auto& entry : node) {
      Capture capture;
      capture.variable = scalar(entry.first, "capture name");
      const YAML::Node how = entry.second;
      if (!how.IsMap() || how.size() != 1) {
        fail(how, "capture " + capture.variable + " needs exactly one of json, header or regex");
      }
      const std::string kind = how.begin()->first.as<std::string>();
      const YAML::Node source = how.begin()->second;
      capture.source = scalar(source, "capture " + capture.variable);
      if (kind == "json") {
        capture.kind = Capture::Kind::kJson;
        if (!detail::valid_json_path(capture.source))
          fail(source, "'" + capture.source + "' is not a JSON path like $.token");
      } else if (kind == "header") {
        capture.kind = Capture::Kind::kHeader;
      } else if (kind == "regex") {
        capture.kind = Capture::Kind::kRegex;
        try {
          capture.regex = std::regex(capture.source);
        } catch (const std::regex_error& e) {
          fail(source, "capture " + capture.variable + ": invalid regex: " + e.what());
        }
      } else {
        fail(how.begin()->first, "capture " + capture.variable + ": unknown kind '" + kind +
                                     "' (json, header or regex)");
      }
      captured_variables_.insert(capture.variable);
      result.push_back(std::move(capture));
    }
    return result;
  }

  /// A step: a request, a think time, or a sequence. `options` receives weight and tags.
  std::vector<Step> step(const YAML::Node& node, TaskOptions* options, std::string* task_name) {
    if (!node.IsMap()) fail(node, "a step must be a map, like {get: /path}");
    allow_keys(node, {"get",     "post",    "put",    "patch", "delete", "head",    "options",
                      "name",    "headers", "query",  "json",  "body",   "form",    "expect",
                      "capture", "timeout", "weight", "tags",  "think",  "sequence"},
               "a step");
    if (options != nullptr) {
      if (node["weight"]) {
        const auto weight = integer(node["weight"], "weight");
        if (weight < 1 || weight > kMaxTaskWeight)
          fail(node["weight"], "weight must be from 1 to " + std::to_string(kMaxTaskWeight));
        options->weight = static_cast<int>(weight);
      }
      if (node["tags"]) options->tags = string_list(node["tags"], "tags");
    } else if (node["weight"] || node["tags"]) {
      fail(node["weight"] ? node["weight"] : node["tags"],
           "weight and tags apply to tasks, not to on_start/on_stop or sequence steps");
    }

    std::vector<std::string> methods;
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>();
      if (kMethods.count(key)) methods.push_back(key);
    }
    if (methods.size() > 1)
      fail(node, "a step has one method, found " + methods[0] + " and " + methods[1]);

    std::vector<Step> steps;
    if (node["sequence"]) {
      if (!methods.empty())
        fail(node["sequence"], "a step is either a request or a sequence, not both");
      const YAML::Node list = node["sequence"];
      if (!list.IsSequence() || list.size() == 0)
        fail(list, "sequence must be a non-empty list of steps");
      detail::SequenceStep sequence;
      for (const auto& item : list) {
        for (auto& inner : step(item, nullptr, nullptr)) sequence.steps.push_back(std::move(inner));
      }
      if (task_name != nullptr)
        *task_name = node["name"] ? scalar(node["name"], "name") : "sequence";
      steps.push_back(Step{std::move(sequence)});
    } else if (!methods.empty()) {
      RequestStep request;
      const std::string& method = methods[0];
      for (char c : method)
        request.method.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      request.url = compile(node[method], method);
      if (node["name"]) request.name = compile(node["name"], "name");
      if (node["headers"]) request.headers = pairs(node["headers"], "headers");
      if (node["query"]) request.query = pairs(node["query"], "query");
      const int bodies = (node["json"] ? 1 : 0) + (node["body"] ? 1 : 0) + (node["form"] ? 1 : 0);
      if (bodies > 1) fail(node, "use one of json, body and form, not several");
      if (node["form"]) request.form = pairs(node["form"], "form");
      if (node["body"]) request.body = compile(node["body"], "body");
      if (node["json"]) {
        detail::JsonBody json;
        json.value = to_json(node["json"], json);
        try {
          (void)json.value.dump();  // JSON text is UTF-8: a body that cannot be sent is a mistake
        } catch (const nlohmann::json::exception&) {
          fail(node["json"], "json body is not valid UTF-8 text");
        }
        request.json = std::move(json);
      }
      if (node["expect"]) request.expect = expect(node["expect"]);
      if (node["capture"]) request.captures = captures(node["capture"]);
      if (node["timeout"]) request.timeout_seconds = seconds(node["timeout"], "timeout");
      if (task_name != nullptr) *task_name = request.method + " " + scalar(node[method], method);
      detail::prepare_constant(request);
      steps.push_back(Step{std::move(request)});
    } else if (!node["think"]) {
      fail(node,
           "a step needs a method (get, post, put, patch, delete, head, options), think or "
           "sequence");
    } else {
      for (const char* key :
           {"name", "headers", "query", "json", "body", "form", "expect", "capture", "timeout"}) {
        if (node[key])
          fail(node[key],
               std::string("'") + key + "' needs a request (get, post, ...) in the same step");
      }
      if (task_name != nullptr) *task_name = "think";
    }
    if (node["think"]) {
      const double seconds = number(node["think"], "think");
      if (seconds < 0) fail(node["think"], "think must be >= 0 seconds");
      steps.push_back(Step{detail::ThinkStep{seconds}});
    }
    return steps;
  }

  WaitTime wait_time(const YAML::Node& node) {
    if (!node.IsMap() || node.size() != 1) {
      fail(node,
           "wait_time must be one of {constant: s}, {between: [min, max]}, {constant_pacing: s}, "
           "{constant_throughput: n}");
    }
    const std::string kind = node.begin()->first.as<std::string>();
    const YAML::Node value = node.begin()->second;
    try {
      if (kind == "constant") return constant(number(value, "constant"));
      if (kind == "constant_pacing") return constant_pacing(number(value, "constant_pacing"));
      if (kind == "constant_throughput")
        return constant_throughput(number(value, "constant_throughput"));
      if (kind == "between") {
        if (!value.IsSequence() || value.size() != 2)
          fail(value, "between needs two numbers: [min, max]");
        return between(number(value[0], "between"), number(value[1], "between"));
      }
    } catch (const std::invalid_argument& e) {
      fail(value, e.what());
    }
    fail(node.begin()->first, "unknown wait_time '" + kind +
                                  "' (constant, between, constant_pacing, constant_throughput)");
  }

  /// {rate, max_concurrency, ramp: [{to, over}]}: see ArrivalRate.
  ArrivalRate arrival_rate(const YAML::Node& node) {
    if (!node.IsMap() || !node["rate"]) {
      fail(node, "arrival_rate must be a map with rate (iterations per second), and optionally "
                 "max_concurrency and ramp");
    }
    allow_keys(node, {"rate", "max_concurrency", "ramp"}, "arrival_rate");
    ArrivalRate rate;
    rate.rate = number(node["rate"], "rate");
    if (node["max_concurrency"])
      rate.max_concurrency = integer(node["max_concurrency"], "max_concurrency");
    if (const YAML::Node ramp = node["ramp"]) {
      if (!ramp.IsSequence() || ramp.size() == 0) fail(ramp, "ramp must be a list of {to, over}");
      for (const auto& leg : ramp) {
        if (!leg.IsMap() || !leg["to"] || !leg["over"])
          fail(leg, "each ramp step needs to (a rate) and over (a duration)");
        allow_keys(leg, {"to", "over"}, "a ramp step");
        rate.ramp.push_back({number(leg["to"], "to"), duration(leg["over"], "over")});
      }
    }
    try {
      rate.validate();
    } catch (const std::invalid_argument& e) {
      fail(node, e.what());
    }
    return rate;
  }

  void load_data(const YAML::Node& node) {
    if (!node.IsSequence()) fail(node, "data must be a list of {name, csv, mode}");
    for (const auto& item : node) {
      if (!item.IsMap())
        fail(item, "a data set must be a map: {name: ..., csv: file.csv, mode: cycle}");
      allow_keys(item, {"name", "csv", "mode"}, "a data set");
      if (!item["name"]) fail(item, "a data set needs a name");
      if (!item["csv"]) fail(item, "a data set needs a csv file");
      auto data = std::make_shared<DataSet>();
      data->name = scalar(item["name"], "data name");
      if (data_.count(data->name))
        fail(item["name"], "two data sets are named '" + data->name + "'");
      if (item["mode"]) {
        const std::string mode = scalar(item["mode"], "mode");
        if (mode == "random")
          data->mode = DataSet::Mode::kRandom;
        else if (mode != "cycle")
          fail(item["mode"], "mode must be cycle or random, got '" + mode + "'");
      }
      const std::string csv = scalar(item["csv"], "csv");
      const std::filesystem::path path = std::filesystem::path(base_dir_) / csv;
      std::ifstream file(path);
      if (!file) fail(item["csv"], "cannot read data file " + path.string());
      read_csv(file, *data, item["csv"]);
      data_[data->name] = std::move(data);
    }
  }

  void read_csv(std::istream& file, DataSet& data, const YAML::Node& at) {
    auto split = [](const std::string& line) {
      std::vector<std::string> fields;
      std::string field;
      bool quoted = false;
      for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else if (c == '"') {
          quoted = !quoted;
        } else if (c == ',' && !quoted) {
          fields.push_back(field);
          field.clear();
        } else if (c != '\r') {
          field += c;
        }
      }
      fields.push_back(field);
      return fields;
    };
    std::string line;
    if (!std::getline(file, line)) fail(at, "data file is empty: it needs a header row");
    const auto header = split(line);
    std::size_t line_number = 1;
    while (std::getline(file, line)) {
      ++line_number;
      if (line.empty() || line == "\r") continue;
      const auto fields = split(line);
      if (fields.size() != header.size()) {
        fail(at, "data file line " + std::to_string(line_number) + " has " +
                     std::to_string(fields.size()) + " fields, the header has " +
                     std::to_string(header.size()));
      }
      std::map<std::string, std::string> row;
      for (std::size_t i = 0; i < header.size(); ++i) row[header[i]] = fields[i];
      data.rows.push_back(std::move(row));
    }
    if (data.rows.empty()) fail(at, "data file has a header but no rows");
    data_fields_[data.name] = std::set<std::string>(header.begin(), header.end());
  }

  UserClass user_class(const YAML::Node& node, const std::optional<std::string>& default_host);
  std::shared_ptr<StagesShape> stages(const YAML::Node& node, const std::set<std::string>& classes);

  /// Seconds from a number ("90", "2.5") or Locust's time span ("1m30s").
  double duration(const YAML::Node& node, const std::string& what) const {
    const std::string text = scalar(node, what);
    if (const auto whole = parse_timespan(text)) return static_cast<double>(*whole);
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(value >= 0)) {
      fail(node, what + " must be seconds or a time span such as 1m30s, got '" + text + "'");
    }
    return value;
  }

  std::string file_;
  std::string base_dir_;
  std::map<std::string, std::shared_ptr<const DataSet>> data_;
  std::map<std::string, std::set<std::string>> data_fields_;
  detail::HttpSettings http_defaults_;  // the scenario's top-level `http:`
  // Per user class: which variables templates read and which captures set.
  std::vector<std::pair<std::string, YAML::Node>> used_variables_;
  std::set<std::string> captured_variables_;
};

UserClass Loader::user_class(const YAML::Node& node,
                             const std::optional<std::string>& default_host) {
  if (!node.IsMap()) fail(node, "each user class must be a map with a name and tasks");
  allow_keys(node,
             {"name", "weight", "fixed_count", "wait_time", "arrival_rate", "tags", "host", "http",
              "on_start", "on_stop", "tasks"},
             "a user class");
  if (!node["name"]) fail(node, "a user class needs a name");
  const std::string name = scalar(node["name"], "name");
  used_variables_.clear();
  captured_variables_.clear();

  auto plan = std::make_shared<detail::UserPlan>();
  plan->http = http_defaults_;
  if (node["http"]) http_settings(node["http"], plan->http);
  for (const auto& [set_name, data] : data_) plan->data.push_back(data);
  for (const char* hook : {"on_start", "on_stop"}) {
    if (!node[hook]) continue;
    if (!node[hook].IsSequence()) fail(node[hook], std::string(hook) + " must be a list of steps");
    auto& steps = std::string(hook) == "on_start" ? plan->on_start : plan->on_stop;
    for (const auto& item : node[hook]) {
      for (auto& s : step(item, nullptr, nullptr)) steps.push_back(std::move(s));
    }
  }

  auto builder = UserClass::define<detail::ScenarioUser>(
      name, [plan](UserContext context) -> std::unique_ptr<User> {
        return std::make_unique<detail::ScenarioUser>(std::move(context), plan);
      });
  if (node["weight"] && node["fixed_count"])
    fail(node["fixed_count"], "use weight or fixed_count, not both");
  try {
    if (node["weight"]) builder.weight(number(node["weight"], "weight"));
    if (node["fixed_count"]) builder.fixed_count(integer(node["fixed_count"], "fixed_count"));
  } catch (const std::invalid_argument& e) {
    fail(node["weight"] ? node["weight"] : node["fixed_count"], e.what());
  }
  if (node["wait_time"]) builder.wait_time(wait_time(node["wait_time"]));
  if (node["arrival_rate"]) {
    for (const char* closed_only : {"weight", "fixed_count", "wait_time"}) {
      if (node[closed_only]) {
        fail(node[closed_only], std::string(closed_only) +
                                    " has no meaning with arrival_rate: iterations start on "
                                    "the rate's schedule, not per user");
      }
    }
    builder.arrival_rate(arrival_rate(node["arrival_rate"]));
  }
  if (node["host"])
    builder.host(scalar(node["host"], "host"));
  else if (default_host)
    builder.host(*default_host);
  const std::vector<std::string> class_tags =
      node["tags"] ? string_list(node["tags"], "tags") : std::vector<std::string>{};

  if (!node["tasks"] || !node["tasks"].IsSequence() || node["tasks"].size() == 0) {
    fail(node["tasks"] ? node["tasks"] : node,
         "user class " + name + " needs a non-empty list of tasks");
  }
  for (const auto& item : node["tasks"]) {
    TaskOptions options;
    std::string task_name;
    auto steps = std::make_shared<const std::vector<Step>>(step(item, &options, &task_name));
    options.tags.insert(options.tags.end(), class_tags.begin(), class_tags.end());
    builder.task(
        task_name,
        std::function<awaitable<void>(detail::ScenarioUser&)>(
            [steps](detail::ScenarioUser& user) { return detail::run_steps(&user, steps.get()); }),
        std::move(options));
  }

  for (const auto& [variable, at] : used_variables_) {
    const auto dot = variable.find('.');
    if (dot != std::string::npos) {
      const std::string set = variable.substr(0, dot);
      const std::string field = variable.substr(dot + 1);
      auto it = data_fields_.find(set);
      if (it == data_fields_.end())
        fail(at, "'${" + variable + "}': no data set named '" + set + "'");
      if (!it->second.count(field))
        fail(at, "'${" + variable + "}': data set '" + set + "' has no column '" + field + "'");
    } else if (!captured_variables_.count(variable)) {
      fail(at, "'${" + variable + "}' is never captured in user class " + name);
    }
  }
  return builder;
}

std::shared_ptr<StagesShape> Loader::stages(const YAML::Node& node,
                                            const std::set<std::string>& classes) {
  if (!node.IsSequence() || node.size() == 0) {
    fail(node, "stages must be a non-empty list of {duration, users, spawn_rate}");
  }
  std::vector<ShapeStage> planned;
  for (const auto& item : node) {
    if (!item.IsMap()) fail(item, "each stage must be a map of duration, users, spawn_rate");
    allow_keys(item, {"duration", "users", "spawn_rate", "classes"}, "a stage");
    for (const char* key : {"duration", "users", "spawn_rate"}) {
      if (!item[key]) fail(item, std::string("a stage needs ") + key);
    }
    ShapeStage stage;
    stage.end_seconds = duration(item["duration"], "duration");
    stage.users = integer(item["users"], "users");
    if (stage.users < 0) fail(item["users"], "users must be 0 or more");
    stage.spawn_rate = number(item["spawn_rate"], "spawn_rate");
    if (!(stage.spawn_rate > 0)) fail(item["spawn_rate"], "spawn_rate must be more than 0");
    if (item["classes"]) {
      stage.user_classes = string_list(item["classes"], "classes");
      for (const auto& name : *stage.user_classes) {
        if (!classes.count(name)) fail(item["classes"], "no user class is named '" + name + "'");
      }
    }
    if (!planned.empty() && !(stage.end_seconds > planned.back().end_seconds)) {
      fail(item["duration"],
           "a stage's duration is when it ends, counted from the start of the test (as in "
           "Locust's StagesShape): it must be later than the stage before");
    }
    if (stage.end_seconds <= 0) fail(item["duration"], "duration must be more than 0");
    planned.push_back(std::move(stage));
  }
  return std::make_shared<StagesShape>(std::move(planned));
}

Scenario Loader::load(const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    std::ostringstream out;
    out << file_ << ":" << e.mark.line + 1 << ":" << e.mark.column + 1
        << ": invalid YAML: " << e.msg;
    throw ScenarioError(out.str());
  }
  if (!root.IsMap())
    fail(root, "a scenario must be a map with 'users' (and optionally 'host' and 'data')");
  allow_keys(root, {"host", "http", "users", "data", "stages", "thresholds"}, "the scenario");
  if (root["http"]) http_settings(root["http"], http_defaults_);
  Scenario scenario;
  if (root["host"]) {
    scenario.host = scalar(root["host"], "host");
    if (scenario.host->rfind("http://", 0) != 0 && scenario.host->rfind("https://", 0) != 0) {
      fail(root["host"], "host must start with http:// or https://, got '" + *scenario.host + "'");
    }
  }
  if (root["data"]) load_data(root["data"]);
  const YAML::Node users = root["users"];
  if (!users || !users.IsSequence() || users.size() == 0) {
    fail(users ? users : root, "'users' must be a non-empty list of user classes");
  }
  std::set<std::string> names;
  for (const auto& user : users) {
    UserClass loaded = user_class(user, scenario.host);
    if (!names.insert(loaded.name()).second)
      fail(user["name"], "two user classes are named '" + loaded.name() + "'");
    scenario.user_classes.push_back(std::move(loaded));
  }
  if (root["stages"]) scenario.shape = stages(root["stages"], names);
  if (root["thresholds"]) {
    if (!root["thresholds"].IsSequence())
      fail(root["thresholds"], "thresholds must be a list such as [\"p95<250ms\", \"rps>100\"]");
    for (const auto& item : root["thresholds"]) {
      try {
        scenario.thresholds.push_back(stats::parse_threshold(scalar(item, "a threshold")));
      } catch (const std::invalid_argument& e) {
        fail(item, e.what());
      }
    }
  }
  return scenario;
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& file_name,
                        const std::string& base_dir) {
  try {
    return Loader(file_name, base_dir).load(text);
  } catch (const YAML::Exception& e) {
    // A shape the loader did not foresee (a list where a name belongs, say):
    // still one line naming the place.
    std::ostringstream out;
    out << file_name;
    if (!e.mark.is_null()) out << ":" << e.mark.line + 1 << ":" << e.mark.column + 1;
    out << ": unexpected YAML here: " << e.msg;
    throw ScenarioError(out.str());
  }
}

Scenario load_scenario(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ScenarioError(path + ": cannot read the scenario file");
  std::ostringstream text;
  text << file.rdbuf();
  const auto folder = std::filesystem::path(path).parent_path();
  return parse_scenario(text.str(), path, folder.empty() ? "." : folder.string());
}

}  // namespace cicada::scenario
