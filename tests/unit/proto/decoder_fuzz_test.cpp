// Feeds random and mutated frames to the decoder: nothing may crash, nothing
// may throw, and whatever decodes must re-encode to a value that decodes the
// same. Run under ASan/UBSan in CI (preset asan).
#include <doctest/doctest.h>

#include <random>

#include "cicada/proto/envelope.hpp"
#include "cicada/proto/messages.hpp"
#include "cicada/proto/stats_report.hpp"
#include "support/hex.hpp"
#include "support/stats_reports.hpp"

namespace cicada::proto {
namespace {

constexpr int kFrames = 100'000;

std::string mutate(std::string frame, std::mt19937& rng) {
  auto pick = [&rng](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n)(rng);
  };
  const int mutations = 1 + static_cast<int>(pick(3));
  for (int m = 0; m < mutations; ++m) {
    switch (pick(5)) {
      case 0:  // flip a bit
        if (!frame.empty()) frame[pick(frame.size() - 1)] ^= static_cast<char>(1 << pick(7));
        break;
      case 1:  // truncate
        frame.resize(pick(frame.size()));
        break;
      case 2:  // insert a random byte
        frame.insert(frame.begin() + static_cast<std::ptrdiff_t>(pick(frame.size())),
                     static_cast<char>(pick(255)));
        break;
      case 3:  // delete a byte
        if (!frame.empty())
          frame.erase(frame.begin() + static_cast<std::ptrdiff_t>(pick(frame.size() - 1)));
        break;
      case 4:  // overwrite with a msgpack type marker that claims a big size
      {
        static constexpr unsigned char kMarkers[] = {0xdc, 0xdd, 0xde, 0xdf, 0xda, 0xdb,
                                                     0xc5, 0xc6, 0xc7, 0xc9, 0xcb, 0xc1};
        if (!frame.empty()) frame[pick(frame.size() - 1)] = static_cast<char>(kMarkers[pick(11)]);
        break;
      }
      default:  // duplicate a slice
        if (!frame.empty()) {
          const auto from = pick(frame.size() - 1);
          frame.insert(frame.end(), frame.begin() + static_cast<std::ptrdiff_t>(from), frame.end());
        }
        break;
    }
  }
  return frame;
}

std::string random_frame(std::mt19937& rng) {
  std::string frame(std::uniform_int_distribution<std::size_t>(0, 64)(rng), '\0');
  for (auto& byte : frame)
    byte = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
  return frame;
}

}  // namespace

TEST_CASE("100000 random and mutated frames decode to a value or an error, never a crash") {
  const auto golden = test::load_hex_fixtures("proto/golden.txt");
  std::vector<std::string> seeds;
  for (const auto& [name, bytes] : golden) seeds.push_back(bytes);

  std::mt19937 rng(20261126);
  int decoded_envelopes = 0;
  int errors = 0;
  for (int i = 0; i < kFrames; ++i) {
    const std::string frame = i % 4 == 0
                                  ? random_frame(rng)
                                  : mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], rng);
    try {
      auto envelope = decode_envelope(frame);
      if (!envelope) {
        ++errors;
        if (envelope.error().message.empty())
          FAIL("an error without a message for frame " << test::to_hex(frame));
        continue;
      }
      ++decoded_envelopes;
      (void)decode_worker_message(*envelope);
      (void)decode_master_message(*envelope);
      // Compare bytes, not values: NaN != NaN, but its encoding is stable.
      const std::string encoded = encode_envelope(*envelope);
      auto again = decode_envelope(encoded);
      if (!again || encode_envelope(*again) != encoded) {
        FAIL("re-encoding changed frame " << test::to_hex(frame));
      }
    } catch (const std::exception& e) {
      FAIL("exception escaped the decoder: " << e.what() << " for frame " << test::to_hex(frame));
    }
  }
  MESSAGE(decoded_envelopes << " frames decoded, " << errors << " rejected");
  CHECK(decoded_envelopes + errors == kFrames);
  CHECK(decoded_envelopes > 1000);  // the mutations must not only produce garbage
  CHECK(errors > 1000);
}

namespace {

// What the general route makes of a `stats` message's data, as bytes or an error.
std::string general_stats_reading(std::string_view data) {
  auto value = decode_value(data);
  if (!value) return "error: " + value.error().message;
  auto report = stats_report_from_value(*value);
  if (!report) return "error: " + report.error().message;
  return test::to_hex(encode_value(to_value(*report)));
}

}  // namespace

// The master reads stats frames in one pass (read_stats_frame), and splits the
// rest and reads stats reports straight from the bytes (split_envelope,
// decode_stats_report): on anything, those must say what decode_envelope and
// stats_report_from_value say.
TEST_CASE("100000 mutated frames: the master's fast readers agree with the general decoder") {
  std::vector<std::string> seeds;
  for (const auto& [name, bytes] : test::load_hex_fixtures("proto/golden.txt")) {
    seeds.push_back(bytes);
  }
  std::vector<std::string> stats_seeds;
  for (const int entries : {1, 3}) {
    stats_seeds.push_back(
        encode_envelope(Envelope{"stats", to_value(test::rich_stats_report(entries)), "w1"}));
  }
  std::mt19937 rng(20261205);
  StatsReport reused;  // as the master reuses one report for every frame
  int split = 0;
  int stats_read = 0;
  int one_pass = 0;
  for (int i = 0; i < kFrames; ++i) {
    const std::string& seed = i % 2 == 0 ? stats_seeds[static_cast<std::size_t>(i / 2) % 2]
                                         : seeds[static_cast<std::size_t>(i) % seeds.size()];
    const std::string frame = mutate(seed, rng);
    const auto envelope = decode_envelope(frame);
    const auto node_id = read_stats_frame(frame, reused);
    if (node_id) {
      ++one_pass;
      if (!envelope || envelope->type != "stats" || envelope->node_id != *node_id) {
        FAIL("read_stats_frame took a frame the decoder does not read as stats: "
             << test::to_hex(frame));
      }
      if (test::to_hex(encode_value(to_value(reused))) !=
          general_stats_reading(encode_value(envelope->data))) {
        FAIL("read_stats_frame read a different report from " << test::to_hex(frame));
      }
    }
    const auto view = split_envelope(frame);
    if (envelope.has_value() != view.has_value()) {
      FAIL("split_envelope and decode_envelope disagree on " << test::to_hex(frame));
    }
    if (!view) {
      CHECK(view.error().message == envelope.error().message);
      continue;
    }
    ++split;
    auto rebuilt = decode_envelope(*view);
    if (!rebuilt || encode_envelope(*rebuilt) != encode_envelope(*envelope)) {
      FAIL("the split frame decodes differently: " << test::to_hex(frame));
    }
    auto read = decode_stats_report(view->data, reused);
    const std::string fast =
        read ? test::to_hex(encode_value(to_value(reused))) : "error: " + read.error().message;
    if (fast != general_stats_reading(view->data)) {
      FAIL("decode_stats_report disagrees on " << test::to_hex(view->data) << ": " << fast);
    }
    if (read) ++stats_read;
    if (read && view->type == "stats" && !node_id) {
      // Declining is allowed (the general way then reads it), but should be rare.
      MESSAGE("read_stats_frame declined a readable stats frame: " << test::to_hex(frame));
    }
  }
  MESSAGE(split << " frames split, " << stats_read << " read as stats reports, " << one_pass
                << " of them in one pass");
  CHECK(stats_read > 1000);  // the mutations must leave many reports readable
  CHECK(split - stats_read > 1000);
  CHECK(one_pass > 1000);
}

// Heartbeats are the other message thousands of workers send: the master reads
// them in one pass too, and must read exactly what the general route reads.
TEST_CASE("mutated heartbeat frames: the one-pass reader agrees with the general decoder") {
  std::vector<std::string> seeds;
  seeds.push_back(encode_envelope(to_envelope(WorkerHeartbeat{"running", 12.5, 51'200'000}, "w1")));
  seeds.push_back(encode_envelope(to_envelope(WorkerHeartbeat{"ready", 0, std::nullopt}, "w2")));
  seeds.push_back(encode_envelope(
      Envelope{"heartbeat",
               Value(Value::Map{{Value("state"), Value("spawning")},
                                {Value("current_cpu_usage"), Value(std::int64_t{3})},
                                {Value("current_memory_usage"), Value()}}),
               "a-worker-with-a-long-node-id_0123456789abcdef0123456789abcdef"}));
  std::mt19937 rng(20261206);
  WorkerHeartbeat reused;
  reused.current_memory_usage_bytes = 99;  // a previous heartbeat's memory must not leak through
  int taken = 0;
  int readable = 0;
  for (int i = 0; i < kFrames / 5; ++i) {
    const std::string& seed = seeds[static_cast<std::size_t>(i) % seeds.size()];
    const std::string frame = i % 10 == 0 ? seed : mutate(seed, rng);
    const auto envelope = decode_envelope(frame);
    const auto general = envelope ? decode_worker_message(*envelope)
                                  : Result<WorkerMessage>(tl::unexpected(envelope.error()));
    const auto* heartbeat = general ? std::get_if<WorkerHeartbeat>(&*general) : nullptr;
    if (heartbeat != nullptr) ++readable;
    const auto node_id = read_heartbeat_frame(frame, reused);
    if (!node_id) continue;
    ++taken;
    if (heartbeat == nullptr || envelope->node_id != *node_id) {
      FAIL("read_heartbeat_frame took a frame the decoder does not read as a heartbeat: "
           << test::to_hex(frame));
    }
    const bool same = reused.state == heartbeat->state &&
                      test::to_hex(encode_value(Value(reused.current_cpu_usage_percent))) ==
                          test::to_hex(encode_value(Value(heartbeat->current_cpu_usage_percent))) &&
                      reused.current_memory_usage_bytes == heartbeat->current_memory_usage_bytes;
    if (!same) FAIL("read_heartbeat_frame read a different heartbeat from " << test::to_hex(frame));
  }
  MESSAGE(readable << " frames read as heartbeats, " << taken << " of them in one pass");
  CHECK(taken > 2000);
  CHECK(taken <= readable);
}

}  // namespace cicada::proto
