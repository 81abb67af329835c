#include "kl_sequence.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <tuple>

namespace cicada::detail {
namespace {

// Whole weights up to this, and blocks up to this many picks, use block mode.
constexpr double kMaxBlockWeight = 1 << 16;
constexpr std::int64_t kMaxBlockSize = std::int64_t{1} << 22;

}  // namespace

KlSequence::KlSequence(std::vector<double> weights)
    : weights_(std::move(weights)), picked_(weights_.size(), 0), heads_(weights_.size()) {
  whole_weights_ = !weights_.empty();
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    const double w = weights_[i];
    if (!(w > 0)) continue;
    ++pickable_;
    heads_[i] = Head{exact_key(i, 0), w + 1};
    if (w != std::floor(w) || w > kMaxBlockWeight) whole_weights_ = false;
  }
  if (pickable_ == 0) whole_weights_ = false;
  if (!whole_weights_) return;

  // The repeating pattern: every (candidate, a) with a < w, in the order of
  // (a + 0.5) / w; equal values form a level whose order is settled per block.
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    if (!(weights_[i] > 0)) continue;
    const auto w = static_cast<std::int64_t>(weights_[i]);
    for (std::int64_t a = 0; a < w; ++a) pattern_.push_back({static_cast<std::uint16_t>(i), a});
    block_size_ += w;
  }
  if (block_size_ > kMaxBlockSize) {
    whole_weights_ = false;
    pattern_.clear();
    return;
  }
  // Compare (2a + 1) / (2w) as (2a + 1) * w' against (2a' + 1) * w: exact in integers.
  auto level_less = [this](const PatternEntry& x, const PatternEntry& y) {
    const auto wx = static_cast<std::int64_t>(weights_[x.candidate]);
    const auto wy = static_cast<std::int64_t>(weights_[y.candidate]);
    return (2 * x.offset + 1) * wy < (2 * y.offset + 1) * wx;
  };
  auto level_of = [this](const PatternEntry& entry) {
    return (static_cast<double>(entry.offset) + 0.5) / weights_[entry.candidate];
  };
  std::stable_sort(pattern_.begin(), pattern_.end(), level_less);
  min_gap_ = std::numeric_limits<double>::infinity();
  for (std::size_t begin = 0; begin < pattern_.size();) {
    std::size_t end = begin + 1;
    while (end < pattern_.size() && !level_less(pattern_[begin], pattern_[end])) ++end;
    if (end < pattern_.size()) {
      min_gap_ = std::min(min_gap_, level_of(pattern_[end]) - level_of(pattern_[begin]));
    }
    // Within a level, equal weights have identical keys (the name decides, and
    // the stable sort kept name order); different weights need their keys.
    const bool one_weight = std::all_of(
        pattern_.begin() + static_cast<std::ptrdiff_t>(begin),
        pattern_.begin() + static_cast<std::ptrdiff_t>(end), [&](const PatternEntry& e) {
          return weights_[e.candidate] == weights_[pattern_[begin].candidate];
        });
    if (!one_weight) exact_groups_.push_back({begin, end});
    begin = end;
  }
  // The last level of a block against the first of the next.
  min_gap_ = std::min(min_gap_, 1.0 + level_of(pattern_.front()) - level_of(pattern_.back()));
  for (const auto& entry : pattern_) pattern_candidates_.push_back(entry.candidate);
  for (double w : weights_) largest_weight_ = std::max(largest_weight_, w);
  for (const auto& group : exact_groups_) {
    // A level this crowded is better served one pick at a time.
    if (group.end - group.begin > kMaxExactGroup) whole_weights_ = false;
  }
}

double KlSequence::exact_key(std::size_t candidate, std::int64_t n) const {
  // As Python computes it: the int quotient correctly rounded, then log2, then * w.
  const double w = weights_[candidate];
  const double x = w + static_cast<double>(n);
  return w * std::log2(x / (x + 1));
}

const std::vector<std::uint16_t>& KlSequence::picks(std::size_t count) {
  if (pickable_ == 0) return sequence_;
  // Room for whole blocks past `count`, so emitting them never reallocates.
  const std::size_t room = count + static_cast<std::size_t>(block_size_);
  if (room > sequence_.capacity()) sequence_.reserve(std::max(room, 2 * sequence_.capacity()));
  while (sequence_.size() < count) {
    if (block_ >= 0) {
      const auto missing = static_cast<std::int64_t>(count - sequence_.size());
      const std::int64_t blocks = (missing + block_size_ - 1) / block_size_;
      // The bound holds on an interval of blocks: checking the first and the
      // last of a run covers the ones between.
      if (block_is_certain(block_) && block_is_certain(block_ + blocks - 1)) {
        emit_blocks(blocks);
        continue;
      }
      if (block_is_certain(block_)) {
        emit_blocks(1);
        continue;
      }
      // Past where the bound holds: back to one pick at a time.
      block_ = -1;
      for (std::size_t i = 0; i < weights_.size(); ++i) {
        if (weights_[i] > 0) {
          heads_[i] =
              Head{exact_key(i, picked_[i]), weights_[i] + 1 + static_cast<double>(picked_[i])};
        }
      }
    }
    pick_one();
    if (whole_weights_ && static_cast<std::int64_t>(sequence_.size()) % block_size_ == 0) {
      start_blocks();
    }
  }
  return sequence_;
}

void KlSequence::pick_one() {
  std::size_t best = weights_.size();
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    if (!(weights_[i] > 0)) continue;
    if (best == weights_.size()) {
      best = i;
      continue;
    }
    const Head& a = heads_[i];
    const Head& b = heads_[best];
    // Lexicographic (key, w + n + 1, w); the lower index has the smaller name.
    if (std::tie(a.key, a.next_x, weights_[i]) < std::tie(b.key, b.next_x, weights_[best])) {
      best = i;
    }
  }
  sequence_.push_back(static_cast<std::uint16_t>(best));
  const std::int64_t n = ++picked_[best];
  heads_[best] = Head{exact_key(best, n), weights_[best] + static_cast<double>(n) + 1};
}

bool KlSequence::start_blocks() {
  const std::int64_t block = static_cast<std::int64_t>(sequence_.size()) / block_size_;
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    if (weights_[i] > 0 && picked_[i] != block * static_cast<std::int64_t>(weights_[i])) {
      return false;  // the merge has not settled into whole blocks here
    }
  }
  if (!block_is_certain(block)) return false;
  block_ = block;
  return true;
}

bool KlSequence::block_is_certain(std::int64_t block) const {
  // In h = -key * ln 2 = w * ln(1 + 1 / x), with x = w * u and u >= block + 1,
  // the alternating series of ln bound h - 1 / (u + 1 / (2w)) within
  // 1 / (3 w^2 u^3) <= 1 / (3 (block + 1)^3); and u + 1 / (2w) = block + 1 +
  // (a + 0.5) / w. Neighbouring levels are at least min_gap_ apart there, so
  // their h differ by at least min_gap_ / (block + 3)^2. Python's float keys
  // are within w * 3.2e-16 + |key| * 3e-16 of the truth (the rounded
  // quotient, log2 and the product). When the separation beats both errors,
  // the pattern orders every neighbouring pair as the float keys do.
  const double k = static_cast<double>(block);
  const double separation = min_gap_ / ((k + 3) * (k + 3));
  const double series_error = 2.0 / (3.0 * (k + 1) * (k + 1) * (k + 1));
  const double float_error = 2 * (largest_weight_ * 2.5e-16 + 2.5e-16 / (k + 1));
  return separation > 2 * (series_error + float_error);
}

void KlSequence::emit_blocks(std::int64_t blocks) {
  const std::size_t first = sequence_.size();
  const auto block_size = static_cast<std::size_t>(block_size_);
  sequence_.resize(first + static_cast<std::size_t>(blocks) * block_size);
  std::uint16_t* out = sequence_.data() + first;
  if (exact_groups_.empty()) {
    // Identical blocks: write one, then keep doubling what is written.
    std::copy(pattern_candidates_.begin(), pattern_candidates_.end(), out);
    std::size_t written = block_size;
    const std::size_t total = static_cast<std::size_t>(blocks) * block_size;
    while (written < total) {
      const std::size_t chunk = std::min(written, total - written);
      std::copy(out, out + chunk, out + written);
      written += chunk;
    }
    block_ += blocks;
  } else {
    for (std::int64_t b = 0; b < blocks; ++b) {
      const std::size_t start = first + static_cast<std::size_t>(b) * block_size;
      std::copy(pattern_candidates_.begin(), pattern_candidates_.end(),
                sequence_.begin() + static_cast<std::ptrdiff_t>(start));
      for (const auto& group : exact_groups_) order_exactly(group, start);
      ++block_;
    }
  }
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    if (weights_[i] > 0) picked_[i] += blocks * static_cast<std::int64_t>(weights_[i]);
  }
}

void KlSequence::order_exactly(const TieGroup& group, std::size_t block_start) {
  struct Keyed {
    double key;
    double next_x;
    double w;
    std::uint16_t candidate;
  };
  Keyed keyed[kMaxExactGroup];
  std::size_t size = 0;
  for (std::size_t p = group.begin; p < group.end; ++p) {
    const auto& entry = pattern_[p];
    const double w = weights_[entry.candidate];
    const std::int64_t n = block_ * static_cast<std::int64_t>(w) + entry.offset;
    keyed[size++] = {exact_key(entry.candidate, n), w + static_cast<double>(n) + 1, w,
                     entry.candidate};
  }
  std::sort(keyed, keyed + size, [](const Keyed& a, const Keyed& b) {
    return std::tie(a.key, a.next_x, a.w, a.candidate) <
           std::tie(b.key, b.next_x, b.w, b.candidate);
  });
  for (std::size_t i = 0; i < size; ++i) {
    sequence_[block_start + group.begin + i] = keyed[i].candidate;
  }
}

}  // namespace cicada::detail
