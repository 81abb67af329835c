#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cicada/proto/stats_report.hpp"

namespace cicada {

/// What the master knows of one worker. Its state, class counts and last
/// heartbeat are changed through the WorkerRegistry that holds it, which
/// keeps its counts and orders in step.
struct WorkerNode {
  std::string id;
  std::string state = "ready";  ///< ready, spawning, running, missing
  double cpu_percent = 0;
  bool cpu_warning_logged = false;  ///< "exceeded cpu threshold" said once
  std::uint64_t memory_bytes = 0;
  std::map<std::string, std::int64_t> user_classes_count;  ///< last reported
  std::int64_t index = 0;
  std::string version;                   ///< the Locust version the worker announced
  bool expects_heartbeat_reply = false;  ///< Locust >= 2.19 wants each heartbeat answered
  double last_report_at = 0;             ///< steady seconds of its last stats report; 0: none yet
  double requests_per_second = 0;        ///< its rate over the last report interval
  double last_heartbeat_at = 0;          ///< steady seconds: its last heartbeat (or registration)
  std::int64_t unreported_estimate = 0;  ///< requests it made unreported, when missing
};

/// Ready, spawning or running: a worker that takes users.
bool is_active(const WorkerNode& node);

/// The users a worker last reported, all classes together.
std::int64_t users_of(const WorkerNode& node);

/// The master's workers, reachable three ways: in id order (listings), by hash
/// (each of the thousands of messages a second names one), and by silence (the
/// liveness check looks at the workers not heard from lately, not at every one
/// several times a second). Keeps the counts of active workers and of users as
/// they change, so asking for them costs no pass either.
class WorkerRegistry {
 public:
  using Nodes = std::map<std::string, WorkerNode>;

  WorkerRegistry() = default;
  // The indexes point into nodes_: a copy would point into the original.
  WorkerRegistry(const WorkerRegistry&) = delete;
  WorkerRegistry& operator=(const WorkerRegistry&) = delete;

  const Nodes& nodes() const { return nodes_; }
  std::size_t size() const { return nodes_.size(); }

  /// The worker with this id, or nullptr.
  WorkerNode* find(std::string_view id);

  /// Registers `node` under node.id, in place of a worker with the same id;
  /// it was last heard from at node.last_heartbeat_at, which must not be
  /// earlier than any other worker's (steady time). Returns the stored node.
  WorkerNode& put(WorkerNode node);

  /// Forgets a worker; false if there was none with this id.
  bool erase(std::string_view id);

  /// A sign of life at `now` (steady seconds, never earlier than the last one
  /// given): the worker moves to the end of the silence order.
  void heard_from(WorkerNode& node, double now);

  /// Sets a worker's state, keeping the count of active workers.
  void set_state(WorkerNode& node, std::string state);

  /// Workers that are ready, spawning or running.
  std::int64_t active_count() const { return active_; }

  /// A worker's users per class, as it just reported them (none: it has no users).
  void set_class_counts(WorkerNode& node, const proto::UserClassCounts& reported);

  /// The users of every worker, as they last reported them: kept as reports
  /// come, for the CSV rows and the UI that ask every second.
  std::int64_t user_count() const { return users_; }

  /// The workers last heard from before `time`, the longest silent first.
  std::vector<WorkerNode*> silent_since(double time);

 private:
  using SilenceOrder = std::list<Nodes::iterator>;
  struct Index {
    Nodes::iterator node;
    SilenceOrder::iterator in_silence_order;
  };

  Nodes nodes_;
  /// By id; the views point at nodes_' own keys.
  std::unordered_map<std::string_view, Index> by_id_;
  /// Every worker once, the longest silent first.
  SilenceOrder silence_order_;
  std::int64_t active_ = 0;
  std::int64_t users_ = 0;
};

}  // namespace cicada
