#include "cicada/stats/response_time_buckets.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

namespace cicada::stats {
namespace {

// Made by Locust's own stats module: tests/fixtures/stats/make_stats_vectors.py.
const nlohmann::json& locust_vectors() {
  static const nlohmann::json vectors = [] {
    std::ifstream file(std::string(CICADA_FIXTURES_DIR) + "/stats/vectors.json");
    REQUIRE(file.good());
    return nlohmann::json::parse(file);
  }();
  return vectors;
}

ResponseTimeBuckets from_map(std::initializer_list<std::pair<std::int64_t, std::int64_t>> map) {
  ResponseTimeBuckets buckets;
  for (const auto& [bucket, count] : map) buckets.record_bucket(bucket, count);
  return buckets;
}

}  // namespace

TEST_CASE("response times round into Locust's buckets as Python's round does") {
  // The reference's section 9.3 bucketing vectors.
  CHECK(locust_bucket_ms(400) == 0);
  CHECK(locust_bucket_ms(500) == 0);
  CHECK(locust_bucket_ms(1500) == 2);
  CHECK(locust_bucket_ms(2500) == 2);
  CHECK(locust_bucket_ms(99'400) == 99);
  CHECK(locust_bucket_ms(99'500) == 100);
  CHECK(locust_bucket_ms(145'000) == 140);
  CHECK(locust_bucket_ms(147'300) == 150);
  CHECK(locust_bucket_ms(155'000) == 160);
  CHECK(locust_bucket_ms(999'600) == 1000);
  CHECK(locust_bucket_ms(999'500) == 1000);  // 99.95 tens: rounds up, crossing into the next range
  CHECK(locust_bucket_ms(1'250'000) == 1200);
  CHECK(locust_bucket_ms(1'350'000) == 1400);
  CHECK(locust_bucket_ms(3'432'000) == 3400);
  CHECK(locust_bucket_ms(9'999'900) == 10'000);
  CHECK(locust_bucket_ms(14'500'000) == 14'000);
  CHECK(locust_bucket_ms(15'500'000) == 16'000);
  CHECK(locust_bucket_ms(58'760'000) == 59'000);
}

TEST_CASE("bucketing agrees with Locust's stats module on 2300 values") {
  for (const auto& row : locust_vectors()["rounding"]) {
    const auto us = row[0].get<std::uint64_t>();
    INFO("response time " << us << " us");
    CHECK(locust_bucket_ms(us) == row[1].get<std::int64_t>());
  }
}

TEST_CASE("percentiles and medians equal Python Locust's for the reference vectors") {
  const auto three = from_map({{50, 1}, {100, 1}, {150, 1}});
  CHECK(three.percentile(3, 0.50) == 100);
  CHECK(three.percentile(3, 0.66) == 100);
  CHECK(three.percentile(3, 0.95) == 150);
  CHECK(three.percentile(3, 0.99) == 150);
  CHECK(three.percentile(3, 1.0) == 150);
  CHECK(three.median(3) == 100);

  const auto skewed = from_map({{10, 50}, {20, 30}, {100, 15}, {1000, 5}});
  CHECK(skewed.percentile(100, 0.50) == 20);
  CHECK(skewed.percentile(100, 0.80) == 100);
  CHECK(skewed.percentile(100, 0.90) == 100);
  CHECK(skewed.percentile(100, 0.95) == 1000);
  CHECK(skewed.percentile(100, 0.99) == 1000);
  CHECK(skewed.percentile(100, 1.0) == 1000);
  CHECK(skewed.median(100) == 10);  // p50 and the median differ, as in Locust

  CHECK(from_map({{10, 2}, {20, 2}}).median(4) == 10);
  CHECK(from_map({{10, 1}, {20, 2}}).median(3) == 20);
  CHECK(ResponseTimeBuckets().percentile(0, 0.5) == 0);
  CHECK_FALSE(ResponseTimeBuckets().median(0).has_value());
}

TEST_CASE("percentiles of whole distributions equal Locust's") {
  for (const auto& distribution : locust_vectors()["distributions"]) {
    INFO("distribution " << distribution["name"].get<std::string>());
    ResponseTimeBuckets buckets;
    std::int64_t n = 0;
    for (const auto& us : distribution["times_us"]) {
      buckets.record(us.get<std::uint64_t>());
      ++n;
    }
    std::vector<std::pair<std::int64_t, std::int64_t>> expected;
    for (const auto& pair : distribution["response_times"]) {
      expected.emplace_back(pair[0].get<std::int64_t>(), pair[1].get<std::int64_t>());
    }
    CHECK(buckets.to_pairs() == expected);
    for (const auto& row : distribution["percentiles"]) {
      const double p = row[0].get<double>();
      INFO("percentile " << p);
      CHECK(buckets.percentile(n, p) == static_cast<std::int64_t>(row[1].get<double>()));
    }
  }
}

TEST_CASE("the window difference keeps only buckets that grew") {
  const auto now = from_map({{10, 5}, {20, 3}, {30, 1}});
  const auto before = from_map({{10, 5}, {20, 1}});
  CHECK(now.minus(before).to_pairs() ==
        std::vector<std::pair<std::int64_t, std::int64_t>>{{20, 2}, {30, 1}});
}

TEST_CASE("odd bucket keys from peers are kept exactly and merged") {
  ResponseTimeBuckets buckets;
  buckets.record_bucket(155, 1);        // not a Locust key, but a custom client could send it
  buckets.record_bucket(7'200'000, 2);  // two hours
  buckets.record_bucket(150, 1);
  ResponseTimeBuckets other;
  other.record_bucket(155, 4);
  buckets.merge(other);
  CHECK(buckets.to_pairs() ==
        std::vector<std::pair<std::int64_t, std::int64_t>>{{150, 1}, {155, 5}, {7'200'000, 2}});
}

}  // namespace cicada::stats
