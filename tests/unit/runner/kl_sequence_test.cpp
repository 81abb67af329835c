#include "kl_sequence.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace cicada::detail {
namespace {

/// Locust's _kl_generator transcribed pick by pick: the candidate minimising
/// (w * log2((w + n) / (w + n + 1)), w + n + 1, w, index).
std::vector<std::uint16_t> reference_picks(const std::vector<double>& weights, std::size_t count) {
  std::vector<std::int64_t> picked(weights.size(), 0);
  std::vector<std::uint16_t> out;
  out.reserve(count);
  for (std::size_t p = 0; p < count; ++p) {
    std::size_t best = weights.size();
    std::tuple<double, double, double> best_key;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      const double w = weights[i];
      if (!(w > 0)) continue;
      const double x = w + static_cast<double>(picked[i]);
      const std::tuple<double, double, double> key{w * std::log2(x / (x + 1)), x + 1, w};
      if (best == weights.size() || key < best_key) {
        best = i;
        best_key = key;
      }
    }
    if (best == weights.size()) break;
    ++picked[best];
    out.push_back(static_cast<std::uint16_t>(best));
  }
  return out;
}

/// Index of the first difference, or -1.
long first_difference(const std::vector<std::uint16_t>& a, const std::vector<std::uint16_t>& b,
                      std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    if (a[i] != b[i]) return static_cast<long>(i);
  }
  return -1;
}

std::string describe(const std::vector<double>& weights) {
  std::string text;
  for (double w : weights) text += std::to_string(w) + " ";
  return text;
}

}  // namespace

TEST_CASE("the generated picks equal Locust's pick-by-pick order for random whole weights") {
  std::mt19937_64 random(20261204);
  for (int round = 0; round < 60; ++round) {
    std::vector<double> weights(1 + random() % 12);
    for (auto& w : weights) w = static_cast<double>(1 + random() % 20);
    const std::size_t count = 40'000;
    KlSequence sequence(weights);
    const auto& picks = sequence.picks(count);
    REQUIRE(picks.size() >= count);
    const auto expected = reference_picks(weights, count);
    INFO("weights " << describe(weights));
    CHECK(first_difference(picks, expected, count) == -1);
  }
}

TEST_CASE("the picks stay exact deep into the repeating blocks, with tied levels") {
  // 1, 3, 5, 7, 9 put a pick of each at the same (a + 0.5) / w: those are
  // ordered by their float keys in every block.
  for (const std::vector<double>& weights :
       {std::vector<double>{1, 3, 5, 7, 9}, std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
        std::vector<double>{1, 1, 1}, std::vector<double>{2, 6, 10}, std::vector<double>{1, 100}}) {
    const std::size_t count = 1'000'000;
    KlSequence sequence(weights);
    const auto& picks = sequence.picks(count);
    const auto expected = reference_picks(weights, count);
    INFO("weights " << describe(weights));
    CHECK(first_difference(picks, expected, count) == -1);
  }
}

TEST_CASE("fractional weights, zero weights and requests in small steps pick as Locust does") {
  const std::vector<double> weights{0.3, 0, 2.5, 1.0 / 23};
  KlSequence sequence(weights);
  // Asking for a few more at a time continues the same sequence.
  for (std::size_t count = 1; count < 5'000; count += 7) sequence.picks(count);
  const auto& picks = sequence.picks(5'000);
  CHECK(first_difference(picks, reference_picks(weights, 5'000), 5'000) == -1);
}

TEST_CASE("no pickable candidate gives no picks") {
  KlSequence sequence({0, 0});
  CHECK(sequence.empty());
  CHECK(sequence.picks(10).empty());
}

}  // namespace cicada::detail
