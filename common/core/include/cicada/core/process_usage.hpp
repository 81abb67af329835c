#pragma once

#include <cstdint>

namespace cicada::detail {

/// CPU time this process has used (user + system), in seconds.
double process_cpu_seconds();
/// Resident memory of this process, in bytes.
std::uint64_t process_rss_bytes();

}  // namespace cicada::detail
