#pragma once

// The plain user of the spawn and memory benchmarks (idle_users.cpp,
// spawn_time.cpp): one empty task, then a wait of an hour, no connections,
// as Locust's peers in bench/locust_idle_users.py and locust_spawn_time.py.

#include "cicada/model/user_class.hpp"

namespace cicada::bench {

class IdleUser : public User {
 public:
  using User::User;
  awaitable<void> nothing() { co_return; }
};

inline UserClass idle_user_class() {
  return UserClass::define<IdleUser>("IdleUser")
      .wait_time(constant(3600))
      .task("nothing", &IdleUser::nothing);
}

}  // namespace cicada::bench
