#include "cicada/model/events.hpp"

#include <spdlog/spdlog.h>

namespace cicada {

void report_listener_error(std::string_view hook, std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("Uncaught exception in '{}' event listener: {}", hook, e.what());
  } catch (...) {
    spdlog::error("Uncaught exception in '{}' event listener", hook);
  }
}

}  // namespace cicada
