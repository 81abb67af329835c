// Latency corrected for coordinated omission, as a user sees it: paced work
// against a target that stalls once (the wrk2 demonstration).
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/target_process.hpp"

namespace cicada {
namespace {

using namespace std::chrono_literals;

/// The cells of the CSV row named `name`, by the header's column names.
std::map<std::string, std::string> csv_row(const std::string& text, const std::string& name) {
  std::istringstream lines(text);
  std::string line;
  const auto cells = [](const std::string& row) {
    std::vector<std::string> out;
    std::stringstream fields(row);
    for (std::string cell; std::getline(fields, cell, ',');) {
      if (!cell.empty() && cell.back() == '\r') cell.pop_back();
      out.push_back(cell);
    }
    return out;
  };
  std::getline(lines, line);
  const auto header = cells(line);
  while (std::getline(lines, line)) {
    const auto row = cells(line);
    if (row.size() > 1 && row[1] == name) {
      std::map<std::string, std::string> by_column;
      for (std::size_t i = 0; i < header.size() && i < row.size(); ++i)
        by_column[header[i]] = row[i];
      return by_column;
    }
  }
  return {};
}

}  // namespace

TEST_CASE("coordinated omission: a 1 s stall shows in the corrected p99 and hides in the raw one") {
  const test::TargetProcess target(CICADA_TARGET_BINARY, "cicada-co");
  const std::string& dir = target.dir;
  const unsigned short port = target.port;
  // One user meant to send a request every 10 ms; the target's first answer takes 1 s.
  const std::string scenario = dir + "/paced.yaml";
  std::ofstream(scenario) << "host: http://127.0.0.1:" << port << "\nusers:\n  - name: Paced\n"
                          << "    wait_time: {constant_pacing: 0.01}\n"
                          << "    tasks:\n      - get: /stall-once?ms=1000\n"
                          << "        name: /stall-once\n";
  const int code = test::run_command(
      {CICADA_STANDALONE_BINARY, "-f", scenario, "--headless", "-u", "1", "-r", "1", "-t", "5",
       "--only-summary", "--csv", dir + "/run", "--json-file", dir + "/run"},
      dir + "/run.log", 60s);
  REQUIRE(code == 0);

  // About 400 requests were made; one took 1 s. Raw, that is under 1 %: the
  // p99 is the fast answers'. The ~99 requests the stall held back are what
  // the corrected figures add (990, 980, ... 10 ms).
  const auto row = csv_row(test::read_file(dir + "/run_stats.csv"), "/stall-once");
  REQUIRE(row.count("99%"));
  REQUIRE(row.count("Corrected 99%"));
  CHECK(std::stod(row.at("99%")) < 100);
  CHECK(std::stod(row.at("Corrected 99%")) > 500);
  CHECK(std::stod(row.at("100%")) >= 1000);

  const auto json = nlohmann::json::parse(test::read_file(dir + "/run.json"));
  REQUIRE(json.size() == 1);
  CHECK(json[0]["response_time_percentiles"]["0.99"].get<double>() < 100);
  CHECK(json[0]["response_time_percentiles_corrected"]["0.99"].get<double>() > 500);
}

TEST_CASE("coordinated omission: work that is not paced has no corrected figures") {
  const test::TargetProcess target(CICADA_TARGET_BINARY, "cicada-co");
  const std::string& dir = target.dir;
  const unsigned short port = target.port;
  const std::string scenario = dir + "/closed.yaml";
  std::ofstream(scenario) << "host: http://127.0.0.1:" << port << "\nusers:\n  - name: Closed\n"
                          << "    wait_time: {constant: 0.01}\n"
                          << "    tasks:\n      - get: /stall-once?ms=300\n";
  REQUIRE(test::run_command({CICADA_STANDALONE_BINARY, "-f", scenario, "--headless", "-u", "1",
                             "-r", "1", "-t", "2", "--only-summary", "--csv", dir + "/run"},
                            dir + "/run.log", 60s) == 0);
  CHECK(test::read_file(dir + "/run_stats.csv").find("Corrected") == std::string::npos);
  CHECK(test::read_file(dir + "/run.log").find("coordinated omission") == std::string::npos);
}

}  // namespace cicada
