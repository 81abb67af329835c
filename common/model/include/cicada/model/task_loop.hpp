#pragma once

#include "cicada/core/asio.hpp"

namespace cicada {

class User;
class UserClass;

/// Runs users the way Locust's User.run and TaskSet.run do: on_start, then
/// pick a task (by weight, or in order for sequential sets), run it, wait,
/// repeat; nested sets run until interrupted; StopUser, a graceful stop or a
/// kill unwind through every on_stop, innermost first. An exception from a
/// task fires `user_error`, is logged, and the user carries on after a wait.
class TaskLoop {
 public:
  /// The whole life of `user` of class `user_class`; completes when the user
  /// has stopped. Never throws.
  static awaitable<void> run_user(User& user, const UserClass& user_class);
};

}  // namespace cicada
