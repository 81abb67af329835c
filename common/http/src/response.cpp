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

Response::Response(Response&& other) noexcept : exchange_(std::move(other.exchange_)) {}

Response& Response::operator=(Response&& other) noexcept {
  if (this == &other) return *this;
  report();
  exchange_ = std::move(other.exchange_);
  return *this;
}

Response::~Response() {
  report();
}

int Response::status() const {
  return exchange_ ? exchange_->status : 0;
}

const std::string& Response::error() const {
  static const std::string kNone;
  return exchange_ ? exchange_->error : kNone;
}

std::chrono::microseconds Response::elapsed() const {
  return exchange_ ? exchange_->elapsed : std::chrono::microseconds{0};
}

std::string_view Response::reason() const {
  if (!exchange_ || exchange_->status == 0) return {};
  return exchange_->parser.reason(exchange_->buffer);
}

std::string_view Response::body() const {
  if (!exchange_ || exchange_->status == 0) return {};
  if (exchange_->body_is_decoded) return exchange_->rare->decoded_body;
  return exchange_->parser.body(exchange_->buffer);
}

nlohmann::json Response::json() const {
  return nlohmann::json::parse(body());
}

std::vector<std::pair<std::string_view, std::string_view>> Response::headers() const {
  std::vector<std::pair<std::string_view, std::string_view>> list;
  if (!exchange_ || exchange_->status == 0) return list;
  for (const auto& span : exchange_->parser.headers()) {
    list.emplace_back(exchange_->buffer.view(span.name_at, span.name_size),
                      exchange_->buffer.view(span.value_at, span.value_size));
  }
  return list;
}

std::optional<std::string_view> Response::header(std::string_view name) const {
  if (!exchange_ || exchange_->status == 0) return std::nullopt;
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
  if (exchange_) exchange_->rare_part().verdict = std::string();
}

void Response::failure(std::string reason) {
  // Locust wraps the reason in CatchResponseError; its reports show that text.
  if (exchange_)
    exchange_->rare_part().verdict = "CatchResponseError(" + stats::python_repr(reason) + ")";
}

void Response::report() {
  if (!exchange_ || !exchange_->pending || exchange_->user == nullptr) return;
  detail::Exchange& exchange = *exchange_;
  exchange.pending = false;
  const std::optional<std::string>* verdict = exchange.verdict();
  const std::string& outcome = verdict && *verdict ? **verdict : exchange.error;
  RequestContext context = exchange.user->context();
  if (exchange.rare) {
    for (const auto& [key, value] : exchange.rare->context) context[key] = value;
  }
  exchange.user->record_request({.request_type = exchange.method,
                                 .name = exchange.name,
                                 .response_time = exchange.elapsed,
                                 .response_length = static_cast<std::int64_t>(body().size()),
                                 .error = outcome.empty() ? nullptr : &outcome,
                                 .start_time = exchange.start_time,
                                 .url = exchange.url,
                                 .response = this,
                                 .context = context.empty() ? nullptr : &context});
}

}  // namespace cicada::http
