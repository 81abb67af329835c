// Compiled test plugins (`-f shop_plugin.so`) as users run them: alone, under a
// master with two worker processes, beside a YAML scenario, and the plugins
// cicada must refuse with a message that names the file and the reason.
#include <doctest/doctest.h>

#include <fstream>

#include "support/target_process.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

struct PluginBench : test::TargetProcess {
  PluginBench() : TargetProcess(CICADA_TARGET_BINARY, "cicada-plugin") {}
  std::string log(const std::string& name) const { return test::read_file(dir + "/" + name); }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a test plugin runs under cicada: its user class, its option and its init hook") {
  PluginBench bench;
  const int code =
      test::run_command({CICADA_STANDALONE_BINARY, "-f", CICADA_SHOP_PLUGIN, "-H", bench.url(),
                         "--headless", "-u", "2", "-r", "10", "-t", "2", "--product-id", "7",
                         "--csv", bench.dir + "/run", "--only-summary"},
                        bench.dir + "/run.log", 60s);
  INFO(bench.log("run.log"));
  CHECK(code == 0);
  const std::string csv = bench.log("run_stats.csv");
  CHECK(has(csv, "\nGET,/item/7,"));
  CHECK(has(csv, "\nPOST,/checkout,"));
  CHECK(has(bench.log("run.log"), "shop plugin: test_start, product 7"));
  CHECK(has(bench.log("run.log"), "shop plugin: quit, exit code 0"));
}

TEST_CASE("a test plugin's option shows in --help and takes its default") {
  PluginBench bench;
  CHECK(test::run_command({CICADA_STANDALONE_BINARY, "-f", CICADA_SHOP_PLUGIN, "--help"},
                          bench.dir + "/help.log", 30s) == 0);
  CHECK(has(bench.log("help.log"), "--product-id"));
  CHECK(has(bench.log("help.log"), "The product every Shopper views"));
  CHECK(test::run_command(
            {CICADA_STANDALONE_BINARY, "-f", CICADA_SHOP_PLUGIN, "-H", bench.url(), "--headless",
             "-u", "1", "-t", "1", "--csv", bench.dir + "/run", "--only-summary"},
            bench.dir + "/run.log", 60s) == 0);
  CHECK(has(bench.log("run_stats.csv"), "\nGET,/item/1,"));
}

TEST_CASE("a config file can name the test plugin and set the plugin's own option") {
  PluginBench bench;
  const std::string config = bench.dir + "/run.conf";
  std::ofstream(config) << "locustfile = " << CICADA_SHOP_PLUGIN << "\nhost: " << bench.url()
                        << "\nheadless\nusers 1\nrun-time = 1\nproduct-id = 5\n"
                        << "tags = [browse]\ncsv = " << bench.dir << "/run\n";
  CHECK(test::run_command({CICADA_STANDALONE_BINARY, "--config", config}, bench.dir + "/run.log",
                          60s) == 0);
  INFO(bench.log("run.log"));
  CHECK(has(bench.log("run_stats.csv"), "\nGET,/item/5,"));
  CHECK_FALSE(has(bench.log("run_stats.csv"), "/checkout"));
}

TEST_CASE("a test plugin runs under cicada-master with two cicada-worker processes") {
  PluginBench bench;
  const auto port = std::to_string(test::free_port());
  // The option and the tags are given to the master only: it passes them on.
  test::ChildProcess master({CICADA_MASTER_BINARY,
                             "-f",
                             CICADA_SHOP_PLUGIN,
                             "-H",
                             bench.url(),
                             "--headless",
                             "-u",
                             "4",
                             "-r",
                             "20",
                             "-t",
                             "3",
                             "--expect-workers",
                             "2",
                             "--master-bind-host",
                             "127.0.0.1",
                             "--master-bind-port",
                             port,
                             "--product-id",
                             "9",
                             "-T",
                             "browse",
                             "--csv",
                             bench.dir + "/run",
                             "--only-summary"},
                            bench.dir + "/master.log");
  test::ChildProcess worker1(
      {CICADA_WORKER_BINARY, "-f", CICADA_SHOP_PLUGIN, "--master-port", port},
      bench.dir + "/worker1.log");
  test::ChildProcess worker2(
      {CICADA_WORKER_BINARY, "-f", CICADA_SHOP_PLUGIN, "--master-port", port},
      bench.dir + "/worker2.log");
  CHECK(master.wait(60s) == 0);
  CHECK(worker1.wait(20s) == 0);
  CHECK(worker2.wait(20s) == 0);
  INFO(bench.log("master.log"));
  const std::string csv = bench.log("run_stats.csv");
  CHECK(has(csv, "\nGET,/item/9,"));
  CHECK_FALSE(has(csv, "/checkout"));  // tagged "buy", not "browse"
  CHECK_FALSE(has(csv, "/item/1,"));   // no worker fell back to the default
  for (const char* worker : {"worker1.log", "worker2.log"}) {
    INFO(bench.log(worker));
    CHECK(has(bench.log(worker), "shop plugin: test_start, product 9"));
    CHECK(has(bench.log(worker), "shop plugin: quit, exit code 0"));  // workers fire quit too
  }
}

TEST_CASE("-f takes a comma list: a test plugin and a YAML scenario in one test") {
  PluginBench bench;
  const std::string yaml = bench.dir + "/browser.yaml";
  std::ofstream(yaml) << "host: " << bench.url()
                      << "\nusers:\n  - name: Browser\n    wait_time: {constant: 0.05}\n"
                      << "    tasks:\n      - get: /\n";
  const int code = test::run_command(
      {CICADA_STANDALONE_BINARY, "-f", std::string(CICADA_SHOP_PLUGIN) + "," + yaml, "-H",
       bench.url(), "--headless", "-u", "4", "-r", "20", "-t", "2", "--csv", bench.dir + "/run",
       "--only-summary"},
      bench.dir + "/run.log", 60s);
  INFO(bench.log("run.log"));
  CHECK(code == 0);
  const std::string csv = bench.log("run_stats.csv");
  CHECK(has(csv, "\nGET,/item/1,"));
  CHECK(has(csv, "\nGET,/,"));

  // The same class twice is a mistake, not a silent override.
  std::ofstream(bench.dir + "/shopper.yaml")
      << "host: " << bench.url() << "\nusers:\n  - name: Shopper\n    tasks:\n      - get: /\n";
  CHECK(test::run_command({CICADA_STANDALONE_BINARY, "-f",
                           std::string(CICADA_SHOP_PLUGIN) + "," + bench.dir + "/shopper.yaml",
                           "--headless", "-t", "1"},
                          bench.dir + "/twice.log", 30s) == 2);
  CHECK(has(bench.log("twice.log"), "user class Shopper is defined by another file of -f too"));
}

TEST_CASE("a plugin built against another cicada is refused, naming both builds") {
  PluginBench bench;
  CHECK(test::run_command(
            {CICADA_STANDALONE_BINARY, "-f", CICADA_STALE_SHOP_PLUGIN, "--headless", "-t", "1"},
            bench.dir + "/run.log", 30s) == 2);
  const std::string log = bench.log("run.log");
  INFO(log);
  CHECK(has(log,
            "stale_shop_plugin.so: built for cicada 0.0.9, compiler GCC 9.0, but this is "
            "cicada " CICADA_VERSION_UNDER_TEST));
  CHECK(has(log, "rebuild the plugin against this cicada"));
  // A worker refuses it the same way before it ever connects.
  CHECK(test::run_command({CICADA_WORKER_BINARY, "-f", CICADA_STALE_SHOP_PLUGIN},
                          bench.dir + "/worker.log", 30s) == 2);
  CHECK(has(bench.log("worker.log"), "built for cicada 0.0.9"));
}

TEST_CASE("a library that is no test plugin, and a file that is no library, are refused") {
  PluginBench bench;
  CHECK(test::run_command({CICADA_STANDALONE_BINARY, "-f", CICADA_NOT_A_PLUGIN, "--headless"},
                          bench.dir + "/none.log", 30s) == 2);
  CHECK(has(bench.log("none.log"),
            "not_a_plugin.so: not a cicada test plugin (it has no CICADA_TEST_PLUGIN(...))"));

  const std::string text = bench.dir + "/notes.so";
  std::ofstream(text) << "not a shared library\n";
  CHECK(test::run_command({CICADA_MASTER_BINARY, "-f", text, "--headless"}, bench.dir + "/text.log",
                          30s) == 2);
  CHECK(has(bench.log("text.log"), "notes.so: cannot load this test plugin"));

  CHECK(test::run_command({CICADA_STANDALONE_BINARY, "-f", bench.dir + "/test.py", "--headless"},
                          bench.dir + "/python.log", 30s) == 2);
  CHECK(has(bench.log("python.log"),
            "-f takes YAML scenarios (.yaml, .yml) and compiled test "
            "plugins (.so)"));
}

}  // namespace cicada
