#include "cicada/worker/worker_app.hpp"

#include <spdlog/spdlog.h>

#include "cicada/cli/run.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/web/health_server.hpp"
#include "cicada/worker/worker_runner.hpp"

namespace cicada::worker {

int run_worker(const cli::Options& options, cli::TestDefinition test) {
  Environment environment(std::move(test.user_classes), cli::environment_options(options));
  cli::adopt_test(environment, std::move(test));
  auto& runner = environment.create_worker_runner(options.master_host, options.master_port);
  environment.events().init.fire(environment);
  spdlog::info("Starting worker {}, connecting to {}:{}", runner.node_id(), options.master_host,
               options.master_port);
  const auto health = cli::start_health_server(environment, options);
  auto signals = cli::quit_on_signals(environment, runner);
  runner.join();
  signals.reset();
  environment.events().quitting.fire_reverse(environment);
  const int code = runner.connection_failed() ? 255 : environment.process_exit_code.value_or(0);
  environment.events().quit.fire(code);
  return code;
}

}  // namespace cicada::worker
