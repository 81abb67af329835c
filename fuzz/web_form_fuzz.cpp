// Fuzz target: a form posted to the web UI's /swarm (or a query string), as
// the UI decodes and reads it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "form.hpp"
#include "swarm_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const cicada::web::Form form(std::string_view(reinterpret_cast<const char*>(data), size));
  (void)cicada::web::read_swarm_request(form);
  return 0;
}
