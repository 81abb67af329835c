#pragma once

#include <stdexcept>

namespace cicada {

// Exceptions user code throws to steer its user, as in Locust.

/// Stops this user: its task sets' and its own on_stop run, then it ends.
class StopUser : public std::exception {
 public:
  const char* what() const noexcept override { return "StopUser"; }
};

/// Stops the whole test, as the runner's quit() would (Locust's StopTest): this
/// user stops like StopUser (its on_stop runs), then the runner in this
/// process quits: a local run ends; a worker leaves its master, which carries
/// on with its other workers.
class StopTest : public std::exception {
 public:
  const char* what() const noexcept override { return "StopTest"; }
};

/// Ends the current task like a return (the owner then waits).
class RescheduleTask : public std::exception {
 public:
  const char* what() const noexcept override { return "RescheduleTask"; }
};

/// Ends the current task and starts the next one without waiting.
class RescheduleTaskImmediately : public std::exception {
 public:
  const char* what() const noexcept override { return "RescheduleTaskImmediately"; }
};

/// Leaves the running task set; thrown by TaskSet::interrupt(). With
/// `reschedule` the parent runs its next task at once, otherwise it waits first.
class InterruptTaskSet : public std::exception {
 public:
  explicit InterruptTaskSet(bool reschedule = true) : reschedule_(reschedule) {}
  bool reschedule() const { return reschedule_; }
  const char* what() const noexcept override { return "InterruptTaskSet"; }

 private:
  bool reschedule_;
};

/// The runner killed this user (stop without a grace period, or the grace
/// period ran out). Thrown out of waits and requests; user code should let it pass.
class UserKilled : public std::exception {
 public:
  const char* what() const noexcept override { return "user killed"; }
};

}  // namespace cicada
