#include "cicada/core/loop.hpp"

#include <stdexcept>

namespace cicada {

LoopExecutor loop_executor(const asio::any_io_executor& executor) {
  using Tracked = std::decay_t<decltype(asio::require(std::declval<LoopExecutor>(),
                                                      asio::execution::outstanding_work.tracked))>;
  if (const auto* plain = executor.target<LoopExecutor>()) return *plain;
  if (const auto* tracked = executor.target<Tracked>()) return tracked->context().get_executor();
  throw std::logic_error("this object needs an io_context's executor to run on");
}

}  // namespace cicada
