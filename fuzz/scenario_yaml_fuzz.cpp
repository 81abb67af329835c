// Fuzz target: a YAML scenario file. Anything but a ScenarioError (one line
// naming file, line and column) escaping the loader is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cicada/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)cicada::scenario::parse_scenario(text, "fuzz.yaml", "/nonexistent");
  } catch (const cicada::scenario::ScenarioError&) {
  }
  return 0;
}
