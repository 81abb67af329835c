#include "cicada/cli/open_files.hpp"

#include <sys/resource.h>

#include <spdlog/spdlog.h>

namespace cicada::cli {
namespace {

// Descriptors the process needs besides its users' connections (logs, the
// web UI, ZeroMQ, files): a margin, not a measurement.
constexpr std::uint64_t kSpareDescriptors = 100;

}  // namespace

std::uint64_t raise_open_files_limit(std::optional<std::int64_t> users) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      spdlog::warn("Could not raise the open-files limit from {} to {}", before, limit.rlim_max);
      limit.rlim_cur = before;
    }
  }
  const std::uint64_t soft = limit.rlim_cur;
  if (users && *users > 0 && limit.rlim_cur != RLIM_INFINITY &&
      soft < static_cast<std::uint64_t>(*users) + kSpareDescriptors) {
    spdlog::warn(
        "The open-files limit is {} (the hard limit), below what {} users need (a connection "
        "each, plus about {}): raise it (ulimit -Hn, or LimitNOFILE) or spread the users over "
        "more worker processes",
        soft, *users, kSpareDescriptors);
  }
  return soft;
}

}  // namespace cicada::cli
