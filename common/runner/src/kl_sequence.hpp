#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cicada::detail {

/// The classes Locust's `_kl_generator` picks, in order, for weights given in
/// name order: pick i is the candidate minimising
/// (w * log2((w + n) / (w + n + 1)), w + n + 1, w, name), n being how often it
/// was picked before (shared/reference/locust-wire-protocol.md §5.4).
///
/// Each candidate's keys grow with n, so the picks are a merge of sorted
/// streams. Picking one at a time costs a log2 per user; for whole-number
/// weights the merge settles into blocks of sum(w) picks that repeat the
/// Sainte-Lague order of (a + 0.5) / w, a in [0, w). Blocks are emitted from
/// that pattern once the error bound below proves every neighbouring pair of
/// the pattern is ordered exactly as the float keys would order it; pairs
/// the bound cannot separate (equal (a + 0.5) / w for different weights) are
/// ordered by their exact keys in every block. Anything else is picked one by
/// one, exactly as Locust does.
///
/// Not thread-safe.
class KlSequence {
 public:
  /// `weights[i]` is candidate i's weight; candidates are in name order.
  /// Candidates with a weight that is not > 0 are never picked.
  explicit KlSequence(std::vector<double> weights);

  /// Candidate indexes of picks [0, count): generates what is missing.
  /// Empty when no candidate can be picked.
  const std::vector<std::uint16_t>& picks(std::size_t count);

  bool empty() const { return pickable_ == 0; }

 private:
  struct Head {
    double key = 0;
    double next_x = 0;  // w + n + 1
  };

  void pick_one();
  bool start_blocks();
  bool block_is_certain(std::int64_t block) const;
  struct TieGroup {
    std::size_t begin;
    std::size_t end;
  };
  static constexpr std::size_t kMaxExactGroup = 64;

  void emit_blocks(std::int64_t blocks);
  void order_exactly(const TieGroup& group, std::size_t block_start);
  double exact_key(std::size_t candidate, std::int64_t n) const;

  std::vector<double> weights_;
  std::vector<std::int64_t> picked_;  // per candidate
  std::vector<Head> heads_;
  std::vector<std::uint16_t> sequence_;
  std::size_t pickable_ = 0;

  // Block mode: the repeating pattern and the stretches of it to order exactly.
  struct PatternEntry {
    std::uint16_t candidate;
    std::int64_t offset;  // a: the entry is pick k * w + a of its candidate in block k
  };
  bool whole_weights_ = false;
  std::int64_t block_size_ = 0;
  std::vector<PatternEntry> pattern_;
  std::vector<std::uint16_t> pattern_candidates_;
  std::vector<TieGroup> exact_groups_;
  double largest_weight_ = 0;
  double min_gap_ = 0;       // smallest difference between distinct (a + 0.5) / w
  std::int64_t block_ = -1;  // the next block to emit; -1 outside block mode
};

}  // namespace cicada::detail
