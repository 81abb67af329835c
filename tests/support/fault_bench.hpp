#pragma once

// What the fault tests share: a target server with a scenario against it, the
// master and worker processes to run it, a DEALER that is no registered
// worker, and readers of logs, CSV files and the target's own count.
// Header-only: included by the fault test files of one executable, which
// define CICADA_TARGET_BINARY, CICADA_MASTER_BINARY and CICADA_WORKER_BINARY.
#include <doctest/doctest.h>

#include <zmq.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cicada/proto/envelope.hpp"
#include "cicada/proto/messages.hpp"
#include "support/child_process.hpp"
#include "support/http_fetch.hpp"

namespace cicada {

using namespace std::chrono_literals;

inline bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

inline bool logged(const std::string& log, const std::string& text) {
  return test::read_file(log).find(text) != std::string::npos;
}

inline std::size_t count_in(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

// Request and failure counts per name from a --csv run's _stats.csv.
struct CsvRow {
  std::int64_t requests = 0;
  std::int64_t failures = 0;
};
inline std::map<std::string, CsvRow> read_stats_csv(const std::string& path) {
  std::map<std::string, CsvRow> rows;
  std::istringstream lines(test::read_file(path));
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::stringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
    if (fields.size() > 3) rows[fields[1]] = {std::stoll(fields[2]), std::stoll(fields[3])};
  }
  return rows;
}

// A target server, a scenario against it and a folder for logs and CSV files.
struct Bench {
  std::string dir = test::make_temp_dir("cicada-fault");
  unsigned short target_port = test::free_port();
  unsigned short master_port = test::free_port();
  test::ChildProcess target{{CICADA_TARGET_BINARY, "--port", std::to_string(target_port)},
                            dir + "/target.log"};

  Bench() {
    REQUIRE(wait_until([&] { return logged(dir + "/target.log", "listening"); }, 5s));
  }

  std::string scenario(const std::string& tasks) const {
    const std::string path = dir + "/scenario.yaml";
    std::ofstream(path) << "host: http://127.0.0.1:" << target_port
                        << "\nusers:\n  - name: Reader\n    wait_time: {constant: 0.05}\n"
                        << "    tasks:\n"
                        << tasks;
    return path;
  }

  std::unique_ptr<test::ChildProcess> master(const std::string& scenario, const std::string& name,
                                             std::vector<std::string> extra) const {
    std::vector<std::string> argv{CICADA_MASTER_BINARY,
                                  "-f",
                                  scenario,
                                  "--headless",
                                  "--master-bind-host",
                                  "127.0.0.1",
                                  "--master-bind-port",
                                  std::to_string(master_port),
                                  "--csv",
                                  dir + "/" + name};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<test::ChildProcess>(argv, dir + "/" + name + ".log");
  }

  std::unique_ptr<test::ChildProcess> worker(const std::string& scenario, int index) const {
    return std::make_unique<test::ChildProcess>(
        std::vector<std::string>{CICADA_WORKER_BINARY, "-f", scenario, "--master-port",
                                 std::to_string(master_port)},
        dir + "/worker" + std::to_string(index) + ".log");
  }
};

// A DEALER that is no registered worker: sends what the test makes up.
struct Impostor {
  zmq::context_t context;
  zmq::socket_t socket{context, zmq::socket_type::dealer};

  Impostor(const std::string& identity, unsigned short port) {
    socket.set(zmq::sockopt::routing_id, identity);
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, 200);
    socket.connect("tcp://127.0.0.1:" + std::to_string(port));
  }
  void send(const proto::WorkerMessage& message, const std::string& node_id) {
    const std::string bytes = proto::encode_envelope(proto::to_envelope(message, node_id));
    socket.send(zmq::buffer(bytes), zmq::send_flags::none);
  }
  /// The type of the next message from the master, or "" when none came in time.
  std::string receive_type(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      zmq::message_t frame;
      if (!socket.recv(frame)) continue;
      auto envelope = proto::decode_envelope(frame.to_string_view());
      if (envelope) return envelope->type;
    }
    return "";
  }
  /// True once a message of `type` came from the master within `limit`.
  bool await_type(const std::string& type, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (receive_type(100ms) == type) return true;
    }
    return false;
  }
};

// What the target served, by its own count.
inline std::int64_t target_requests(unsigned short port) {
  const auto counts = nlohmann::json::parse(test::get(port, "/__counts").body);
  return counts.value("GET /", std::int64_t{0});
}

}  // namespace cicada
