#include "swarm_request.hpp"

#include <algorithm>

#include "cicada/core/timespan.hpp"

namespace cicada::web {
namespace {

template <typename T>
std::optional<T> whole_text_number(const std::string& text) {
  try {
    std::size_t used = 0;
    T value{};
    if constexpr (std::is_same_v<T, double>) {
      value = std::stod(text, &used);
    } else {
      value = std::stoll(text, &used);
    }
    if (used != text.size()) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::variant<SwarmRequest, std::string> read_swarm_request(const Form& form) {
  SwarmRequest request;
  const auto users = form.get("user_count");
  const auto rate = form.get("spawn_rate");
  if (users) {
    const auto count = whole_text_number<std::int64_t>(*users);
    if (!count || *count < 0)
      return "user_count must be a whole number of users, got '" + *users + "'";
    request.user_count = *count;
  }
  if (rate) {
    const auto value = whole_text_number<double>(*rate);
    if (!value || !(*value > 0)) return "spawn_rate must be a number above 0, got '" + *rate + "'";
    request.spawn_rate = *value;
  }
  if (const auto run_time = form.get("run_time"); run_time && !run_time->empty()) {
    request.run_time_seconds = parse_timespan(*run_time);
    if (!request.run_time_seconds) {
      return std::string("Valid run_time formats are : 20, 20s, 3m, 2h, 1h20m, 3h30m10s, etc.");
    }
  }
  if (!users || !rate) return std::string("Missing user_count or spawn_rate from /swarm request");
  for (const auto& [name, value] : form.fields()) {
    if (name == "user_classes") request.user_classes.push_back(value);
  }
  request.host = form.get("host");
  if (request.host) {
    std::erase(*request.host, '<');
    std::erase(*request.host, '>');
  }
  return request;
}

}  // namespace cicada::web
