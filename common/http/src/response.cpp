#include "cicada/http/response.hpp"

#include <nlohmann/json.hpp>

#include "cicada/model/user.hpp"
#include "cicada/stats/stats_error.hpp"
#include "exchange.hpp"

namespace cicada::http {

void detail::ExchangeRelease::operator()(Exchange* exchange) const {
  release_exchange(std::unique_ptr<Exchange>(exchange));
}

Response::Response() = default;

Response::Response(Response&& other) noexcept {
  *this = std::move(other);
}

Response& Response::operator=(Response&& other) noexcept {
  if (this == &other) return *this;
  report();
  exchange_ = std::move(other.exchange_);
  status_ = other.status_;
  error_ = std::move(other.error_);
  elapsed_ = other.elapsed_;
  user_ = other.user_;
  start_time_ = other.start_time_;
  verdict_ = std::move(other.verdict_);
  pending_ = std::exchange(other.pending_, false);
  context_ = std::move(other.context_);
  return *this;
}

Response::~Response() {
  report();
}

std::string_view Response::reason() const {
  if (!exchange_ || status_ == 0) return {};
  return exchange_->parser.reason(exchange_->buffer);
}

std::string_view Response::body() const {
  if (!exchange_ || status_ == 0) return {};
  if (exchange_->body_is_decoded) return exchange_->decoded_body;
  return exchange_->parser.body(exchange_->buffer);
}

nlohmann::json Response::json() const {
  return nlohmann::json::parse(body());
}

std::vector<std::pair<std::string_view, std::string_view>> Response::headers() const {
  std::vector<std::pair<std::string_view, std::string_view>> list;
  if (!exchange_ || status_ == 0) return list;
  for (const auto& span : exchange_->parser.headers()) {
    list.emplace_back(exchange_->buffer.view(span.name_at, span.name_size),
                      exchange_->buffer.view(span.value_at, span.value_size));
  }
  return list;
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  if (!exchange_ || status_ == 0) return std::nullopt;
  for (const auto& span : exchange_->parser.headers()) {
    if (detail::iequals(exchange_->buffer.view(span.name_at, span.name_size), name))
      return exchange_->buffer.view(span.value_at, span.value_size);
  }
  return std::nullopt;
}

std::string_view Response::url() const {
  return exchange_ ? std::string_view(exchange_->url) : std::string_view();
}

std::string_view Response::name() const {
  return exchange_ ? std::string_view(exchange_->name) : std::string_view();
}

void Response::success() {
  verdict_ = std::string();
}

void Response::failure(std::string reason) {
  // Locust wraps the reason in CatchResponseError; its reports show that text.
  verdict_ = "CatchResponseError(" + stats::python_repr(reason) + ")";
}

void Response::report() {
  if (!pending_ || user_ == nullptr || !exchange_) return;
  pending_ = false;
  const std::string& outcome = verdict_ ? *verdict_ : error_;
  RequestContext context = user_->context();
  for (const auto& [key, value] : context_) context[key] = value;
  user_->record_request({.request_type = exchange_->method,
                         .name = exchange_->name,
                         .response_time = elapsed_,
                         .response_length = static_cast<std::int64_t>(body().size()),
                         .error = outcome.empty() ? nullptr : &outcome,
                         .start_time = start_time_,
                         .url = exchange_->url,
                         .response = this,
                         .context = context.empty() ? nullptr : &context});
}

}  // namespace cicada::http
