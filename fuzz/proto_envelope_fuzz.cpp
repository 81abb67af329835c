// Fuzz target: a ZeroMQ frame from the network, as the master and the worker
// decode it (msgpack envelope, then every message type both ways), and as the
// master reads it on its fast paths (a stats frame or a heartbeat in one pass;
// split, then the data as a stats report), which must agree with the general
// decoder: a disagreement aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cicada/proto/envelope.hpp"
#include "cicada/proto/messages.hpp"
#include "cicada/proto/stats_report.hpp"

namespace {

void check_fast_readers(std::string_view bytes, bool decodes) {
  auto frame = cicada::proto::split_envelope(bytes);
  if (frame.has_value() != decodes) std::abort();
  cicada::proto::StatsReport one_pass;
  const auto node_id = cicada::proto::read_stats_frame(bytes, one_pass);
  if (node_id && (!frame || frame->type != "stats" || frame->node_id != *node_id)) std::abort();
  if (!frame) return;
  cicada::proto::StatsReport report;
  auto fast = cicada::proto::decode_stats_report(frame->data, report);
  auto value = cicada::proto::decode_value(frame->data);
  if (!value) std::abort();  // split_envelope checked the data
  auto general = cicada::proto::stats_report_from_value(*value);
  if (fast.has_value() != general.has_value()) std::abort();
  if (fast && cicada::proto::encode_value(cicada::proto::to_value(report)) !=
                  cicada::proto::encode_value(cicada::proto::to_value(*general))) {
    std::abort();
  }
  // The one-pass reader takes only what the two-pass one reads, and reads it alike.
  if (node_id && (!fast || cicada::proto::encode_value(cicada::proto::to_value(one_pass)) !=
                               cicada::proto::encode_value(cicada::proto::to_value(report)))) {
    std::abort();
  }
}

// A heartbeat the one-pass reader takes is the one the general route reads.
void check_heartbeat_reader(std::string_view bytes,
                            const cicada::proto::Result<cicada::proto::Envelope>& envelope) {
  cicada::proto::WorkerHeartbeat one_pass;
  const auto node_id = cicada::proto::read_heartbeat_frame(bytes, one_pass);
  if (!node_id) return;
  if (!envelope || envelope->node_id != *node_id) std::abort();
  const auto general = cicada::proto::decode_worker_message(*envelope);
  const auto* heartbeat =
      general ? std::get_if<cicada::proto::WorkerHeartbeat>(&*general) : nullptr;
  if (heartbeat == nullptr || heartbeat->state != one_pass.state ||
      heartbeat->current_memory_usage_bytes != one_pass.current_memory_usage_bytes ||
      cicada::proto::encode_value(cicada::proto::Value(heartbeat->current_cpu_usage_percent)) !=
          cicada::proto::encode_value(cicada::proto::Value(one_pass.current_cpu_usage_percent))) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)cicada::proto::decode_value(bytes);
  auto envelope = cicada::proto::decode_envelope(bytes);
  check_fast_readers(bytes, envelope.has_value());
  check_heartbeat_reader(bytes, envelope);
  if (!envelope) return 0;
  (void)cicada::proto::decode_worker_message(*envelope);
  (void)cicada::proto::decode_master_message(*envelope);
  return 0;
}
