#include "cicada/master/master_app.hpp"

#include <spdlog/spdlog.h>

#include "cicada/cli/run.hpp"
#include "cicada/master/master_runner.hpp"
#include "cicada/runner/environment.hpp"
#include "cicada/transport/transport_error.hpp"
#include "cicada/web/health_server.hpp"
#include "cicada/web/web_ui.hpp"

namespace cicada::master {
namespace {

/// What a spawn's parsed_options carries to the workers (Locust's masters send
/// their whole namespace; workers take tags and exclude_tags from it).
proto::Value parsed_options(const cli::Options& options) {
  const auto names = [](const std::vector<std::string>& list) {
    if (list.empty()) return proto::Value(nullptr);  // argparse's default: None
    proto::Value::Array array;
    for (const auto& name : list) array.emplace_back(name);
    return proto::Value(std::move(array));
  };
  proto::Value map =
      proto::make_map({{"tags", names(options.tags)},
                       {"exclude_tags", names(options.exclude_tags)},
                       {"stop_timeout", proto::Value(options.stop_timeout_seconds)}});
  // Test plugins' own options, as Locust's masters pass their custom arguments on.
  for (const auto& [name, value] : options.custom_options)
    map.as_map()->push_back({proto::Value(name), proto::Value(value)});
  return map;
}

}  // namespace

int run_master(const cli::Options& options, cli::TestDefinition test) {
  Environment environment(std::move(test.user_classes), cli::environment_options(options));
  cli::adopt_test(environment, std::move(test));
  MasterRunner* runner = nullptr;
  try {
    runner = &environment.create_master_runner(options.master_bind_host, options.master_bind_port);
  } catch (const transport::TransportError& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  runner->set_parsed_options(parsed_options(options));
  environment.events().init.fire(environment);
  spdlog::info("Master listening on {}:{}", options.master_bind_host, runner->port());
  if (!cli::start_web_ui(environment, options)) return 1;
  const auto health = cli::start_health_server(environment, options);
  cli::RunOutputs outputs(environment, options);
  outputs.start();
  auto signals = cli::quit_on_signals(environment, *runner);
  // A headless run ends when its workers are all gone; with the UI, the master waits for more.
  if (options.headless) {
    runner->on_no_workers([runner] {
      spdlog::info("No workers left, shutting down");
      runner->quit();
    });
  }

  const auto expected = options.processes
                            ? std::max<std::int64_t>(options.expect_workers, *options.processes)
                            : options.expect_workers;
  const auto waiting_since = std::chrono::steady_clock::now();
  bool started = false;
  bool gave_up = false;
  // With the UI and no --autostart, a person starts the test from the browser.
  const bool start_at_once = options.headless || options.autostart;
  auto try_start = [&] {
    if (!start_at_once || started || gave_up) return;
    if (runner->worker_count() >= expected) {
      started = true;
      cli::start_test(*runner, options);
      return;
    }
    const auto waited = std::chrono::steady_clock::now() - waiting_since;
    if (options.expect_workers_max_wait > 0 &&
        waited > std::chrono::seconds(options.expect_workers_max_wait)) {
      spdlog::error("Gave up waiting for workers to connect");
      gave_up = true;
      runner->quit();
      return;
    }
    spdlog::info("Waiting for workers to be ready, {} of {} connected", runner->worker_count(),
                 expected);
  };
  runner->every(std::chrono::seconds(1), try_start);
  runner->join();
  signals.reset();
  if (auto* ui = environment.web_ui()) ui->stop();
  const int code = outputs.finish();
  return gave_up ? 1 : code;
}

}  // namespace cicada::master
