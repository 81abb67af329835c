#pragma once

#include <cstdint>
#include <limits>

namespace cicada {

/// A small, fast random generator (xoshiro256**, 32 bytes of state) seeded
/// with SplitMix64. Every user owns one, so its size matters more than
/// std::mt19937_64's 2.5 KiB. Satisfies UniformRandomBitGenerator, so the
/// <random> distributions accept it. Not for cryptography.
class Random {
 public:
  using result_type = std::uint64_t;

  explicit Random(std::uint64_t seed = 0) {
    for (auto& word : state_) word = split_mix(seed);
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate_left(state_[3], 45);
    return result;
  }

  /// A uniform double in [0, 1), like Python's random.random().
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

 private:
  static std::uint64_t rotate_left(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t split_mix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  std::uint64_t state_[4];
};

}  // namespace cicada
