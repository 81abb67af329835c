// Fuzz target: a ZeroMQ frame from the network, as the master and the worker
// decode it (msgpack envelope, then every message type both ways).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cicada/proto/envelope.hpp"
#include "cicada/proto/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)cicada::proto::decode_value(bytes);
  auto envelope = cicada::proto::decode_envelope(bytes);
  if (!envelope) return 0;
  (void)cicada::proto::decode_worker_message(*envelope);
  (void)cicada::proto::decode_master_message(*envelope);
  return 0;
}
