#include "cicada/stats/thresholds.hpp"

#include <doctest/doctest.h>

#include "cicada/core/clock.hpp"

namespace cicada::stats {
namespace {

/// 100 requests to GET /item at 1..100 ms (10 of them failed) and 100 to GET /fast at 1 ms,
/// over 10 seconds.
struct Recorded {
  ManualClock clock;
  RequestStats stats{clock};
  Recorded() {
    const std::string error = "HTTPError('500 Server Error')";
    for (int i = 1; i <= 100; ++i) {
      stats.log_request("GET", "/item", static_cast<std::uint64_t>(i) * 1000, 10,
                        i % 10 == 0 ? &error : nullptr);
      stats.log_request("GET", "/fast", 1000, 10);
      clock.advance(0.1);
    }
  }
  /// The verdict of `text`, and the observed text of its first result.
  std::pair<bool, std::string> check(const std::string& text) const {
    const std::vector<Threshold> thresholds{parse_threshold(text)};
    const auto results = check_thresholds(thresholds, stats);
    REQUIRE(!results.empty());
    return {all_passed(results), results.front().observed_text()};
  }
};

std::string error_of(const std::string& text) {
  try {
    parse_threshold(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("thresholds: every metric passes and fails on either side of its value") {
  const Recorded run;
  // Percentiles are exact (the precise histogram), in ms; units ms (default), s, us.
  CHECK(run.check("name=/item:p95<96ms") == std::pair{true, std::string("95.0 ms")});
  CHECK(run.check("name=/item:p95<95") == std::pair{false, std::string("95.0 ms")});
  CHECK(run.check("name=/item:p95<=95.1ms").first);  // 3 significant digits
  CHECK(run.check("name=/item:p99.9<0.1s").first);
  CHECK_FALSE(run.check("name=/item:p99.9<99000us").first);
  CHECK(run.check("name=/item:median>=49.9").first);
  CHECK(run.check("name=/item:avg<51ms") == std::pair{true, std::string("50.5 ms")});
  CHECK(run.check("name=/item:max<=100ms").first);
  CHECK_FALSE(run.check("name=/item:min>1ms").first);
  // On the total: 10 failures of 200 requests in 10 s.
  CHECK(run.check("fail_ratio<0.06") == std::pair{true, std::string("0.0500")});
  CHECK_FALSE(run.check("fail_ratio<5%").first);
  CHECK(run.check("failures<=10").first);
  CHECK_FALSE(run.check("requests>200").first);
  CHECK(run.check("rps>19").first);
  CHECK_FALSE(run.check("rps>21").first);
  CHECK(run.check("p50<=2ms").first);  // half the requests are /fast at 1 ms
}

TEST_CASE("thresholds: a name that no request had fails, saying so") {
  const Recorded run;
  CHECK(run.check("name=/missing:p95<1s") ==
        std::pair{false, std::string("no requests named /missing")});
  // A name holding ':' is fine: the expression follows the last one.
  const auto threshold = parse_threshold("name=/api:v1/x:rps>1");
  CHECK(threshold.name == "/api:v1/x");
  CHECK(threshold.metric == Threshold::Metric::kRps);
}

TEST_CASE("thresholds: dropped_iterations counts open-model iterations, all or one class's") {
  Recorded run;
  for (int i = 0; i < 3; ++i) run.stats.log_iteration("Checkout", false);
  run.stats.log_iteration("Checkout", true);
  run.stats.log_iteration("Browse", true);
  CHECK(run.check("dropped_iterations<1") == std::pair{false, std::string("3")});
  CHECK(run.check("dropped_iterations<=3").first);
  CHECK(run.check("name=Browse:dropped_iterations<1") == std::pair{true, std::string("0")});
  CHECK_FALSE(run.check("name=Checkout:dropped_iterations<3").first);
  CHECK(run.check("name=Nobody:dropped_iterations<1") ==
        std::pair{false, std::string("no iterations of Nobody")});
}

TEST_CASE("thresholds: a malformed one is an error naming the problem") {
  CHECK(error_of("p95") ==
        "threshold 'p95': expected METRIC<VALUE or METRIC>VALUE, e.g. p95<250ms or rps>500");
  CHECK(error_of("latency<3") ==
        "threshold 'latency<3': unknown metric 'latency' (pNN, avg, min, max, median, "
        "fail_ratio, failures, requests, rps, dropped_iterations)");
  CHECK(error_of("p101<3") == "threshold 'p101<3': a percentile is p1 to p100, e.g. p95 or p99.9");
  CHECK(error_of("p95<3h") ==
        "threshold 'p95<3h': a time is in ms (the default), s or us, not 'h'");
  CHECK(error_of("rps>5ms") == "threshold 'rps>5ms': rps takes a plain number, not 'ms'");
  CHECK(error_of("p95<fast") == "threshold 'p95<fast': expected a number, got 'fast'");
  CHECK(error_of("name=:p95<3") ==
        "threshold 'name=:p95<3': write name=NAME:EXPRESSION, e.g. name=/item:p95<250ms");
}

}  // namespace cicada::stats
