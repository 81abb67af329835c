#include "cicada/http/response.hpp"

#include <algorithm>
#include <cctype>

#include "cicada/model/user.hpp"
#include "cicada/stats/stats_error.hpp"

namespace cicada::http {

Response::Response(Response&& other) noexcept {
  *this = std::move(other);
}

Response& Response::operator=(Response&& other) noexcept {
  if (this == &other) return *this;
  report();
  status_ = other.status_;
  reason_ = std::move(other.reason_);
  body_ = std::move(other.body_);
  headers_ = std::move(other.headers_);
  url_ = std::move(other.url_);
  error_ = std::move(other.error_);
  elapsed_ = other.elapsed_;
  user_ = other.user_;
  method_ = std::move(other.method_);
  name_ = std::move(other.name_);
  start_time_ = other.start_time_;
  verdict_ = std::move(other.verdict_);
  pending_ = std::exchange(other.pending_, false);
  return *this;
}

Response::~Response() {
  report();
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers_) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

void Response::success() {
  verdict_ = std::string();
}

void Response::failure(std::string reason) {
  // Locust wraps the reason in CatchResponseError; its reports show that text.
  verdict_ = "CatchResponseError(" + stats::python_repr(reason) + ")";
}

void Response::report() {
  if (!pending_ || user_ == nullptr) return;
  pending_ = false;
  const std::string& outcome = verdict_ ? *verdict_ : error_;
  user_->record_request({method_, name_, elapsed_, static_cast<std::int64_t>(body_.size()),
                         outcome.empty() ? nullptr : &outcome, start_time_, url_});
}

}  // namespace cicada::http
