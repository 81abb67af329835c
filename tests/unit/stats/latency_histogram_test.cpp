#include "cicada/stats/latency_histogram.hpp"

#include <doctest/doctest.h>

#include <random>

#include "cicada/core/random.hpp"

#include <algorithm>
#include <random>

namespace cicada::stats {
namespace {

LatencyHistogram random_histogram(cicada::Random& rng, int samples) {
  LatencyHistogram histogram;
  std::lognormal_distribution<double> latency(9.0, 1.5);
  for (int i = 0; i < samples; ++i) histogram.record(static_cast<std::uint64_t>(latency(rng)));
  return histogram;
}

}  // namespace

TEST_CASE("every value lands in a bucket no wider than 0.1 % of it") {
  cicada::Random rng(7);
  for (int i = 0; i < 100'000; ++i) {
    const std::uint64_t value = rng() % LatencyHistogram::kMaxValueUs;
    const auto index = LatencyHistogram::bucket_index(value);
    const auto low = LatencyHistogram::bucket_lowest_value(index);
    const auto high = LatencyHistogram::bucket_highest_value(index);
    REQUIRE(low <= value);
    REQUIRE(value <= high);
    REQUIRE(static_cast<double>(high - low) <= static_cast<double>(value) / 1000.0);
  }
  for (std::uint64_t exact = 0; exact < 2048; ++exact) {
    CHECK(LatencyHistogram::bucket_lowest_value(LatencyHistogram::bucket_index(exact)) == exact);
  }
}

TEST_CASE("quantiles are within 0.1 % of the exact sample") {
  cicada::Random rng(11);
  std::lognormal_distribution<double> latency(10.0, 1.0);
  std::vector<std::uint64_t> samples(20'001);
  LatencyHistogram histogram;
  for (auto& sample : samples) {
    sample = static_cast<std::uint64_t>(latency(rng));
    histogram.record(sample);
  }
  std::sort(samples.begin(), samples.end());
  for (double q : {0.01, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
    const double exact = static_cast<double>(samples[rank - 1]);
    const double estimate = static_cast<double>(histogram.value_at_quantile(q));
    INFO("q=" << q << " exact=" << exact << " estimate=" << estimate);
    CHECK(std::abs(estimate - exact) <= exact * 0.001 + 1);
  }
}

TEST_CASE("merging is associative and commutative") {
  cicada::Random rng(3);
  for (int round = 0; round < 20; ++round) {
    const auto a = random_histogram(rng, 500);
    const auto b = random_histogram(rng, 300);
    const auto c = random_histogram(rng, 700);

    LatencyHistogram ab_c = a;
    ab_c.merge(b);
    ab_c.merge(c);
    LatencyHistogram bc = b;
    bc.merge(c);
    LatencyHistogram a_bc = a;
    a_bc.merge(bc);
    LatencyHistogram c_b_a = c;
    c_b_a.merge(b);
    c_b_a.merge(a);

    CHECK(ab_c == a_bc);
    CHECK(ab_c == c_b_a);
    CHECK(ab_c.total_count() == 1500);
  }
}

TEST_CASE("a histogram survives its wire encoding, and garbage is refused") {
  cicada::Random rng(5);
  const auto original = random_histogram(rng, 10'000);
  LatencyHistogram decoded;
  REQUIRE(decoded.decode(original.encode()));
  CHECK(decoded == original);

  LatencyHistogram empty;
  CHECK(empty.decode(""));
  CHECK(empty.empty());

  LatencyHistogram bad;
  CHECK_FALSE(bad.decode("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"));  // endless varint
  CHECK_FALSE(bad.decode(std::string("\x05", 1)));                          // gap without count
  CHECK_FALSE(bad.decode(std::string("\xff\xff\xff\x7f\x01", 5)));          // index out of range
  CHECK(bad.empty());
}

TEST_CASE(
    "merging encoded bytes equals merging the decoded histogram, and bad bytes change nothing") {
  cicada::Random rng(9);
  const auto received = random_histogram(rng, 5'000);
  auto streamed = random_histogram(rng, 5'000);
  auto merged = streamed;
  merged.merge(received);
  REQUIRE(streamed.merge_encoded(received.encode()));
  CHECK(streamed == merged);

  // A report whose bytes go bad half-way must not leave half of itself behind.
  const auto before = streamed;
  std::string truncated = received.encode();
  truncated.push_back('\x05');  // a gap without its count
  CHECK_FALSE(streamed.merge_encoded(truncated));
  CHECK(streamed == before);
}

TEST_CASE("subtracting a snapshot leaves the samples recorded since") {
  LatencyHistogram histogram;
  histogram.record(100);
  histogram.record(5000);
  const LatencyHistogram snapshot = histogram;
  histogram.record(70'000);
  histogram.subtract(snapshot);
  CHECK(histogram.total_count() == 1);
  const auto index = LatencyHistogram::bucket_index(70'000);
  CHECK(histogram.value_at_quantile(0.5) >= LatencyHistogram::bucket_lowest_value(index));
  CHECK(histogram.value_at_quantile(0.5) <= LatencyHistogram::bucket_highest_value(index));
}

}  // namespace cicada::stats
