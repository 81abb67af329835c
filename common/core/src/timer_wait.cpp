#include "cicada/core/timer_wait.hpp"

#include <boost/asio/redirect_error.hpp>

namespace cicada {

awaitable<void> wait_for(asio::steady_timer& timer, std::chrono::duration<double> duration) {
  timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(duration));
  boost::system::error_code cancelled;  // a wake-up like any other
  co_await timer.async_wait(asio::redirect_error(use_awaitable, cancelled));
}

}  // namespace cicada
