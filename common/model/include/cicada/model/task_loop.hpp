#pragma once

#include <exception>
#include <functional>

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
  /// Told once, when a user has stopped: with StopTest when the user raised
  /// it, with whatever else escaped the user's own handling, or null.
  using Ended = std::function<void(std::exception_ptr)>;

  /// The whole life of `user` of class `user_class`; completes when the user
  /// has stopped, after calling `ended`. Never throws: it can be the
  /// outermost coroutine of its stack (see start_unguarded).
  static awaitable<void> run_user(User& user, const UserClass& user_class, Ended ended);
};

}  // namespace cicada
