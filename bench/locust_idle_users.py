#!/usr/bin/python3
"""The peer measurement for idle_users.cpp: N Locust users (Debian's
python3-locust) that wait an hour after an empty task; prints the resident
memory growth per user."""
import sys

import gevent
from locust import User, constant, task
from locust.env import Environment


def resident_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


class IdleUser(User):
    wait_time = constant(3600)

    @task
    def nothing(self):
        pass


users = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
env = Environment(user_classes=[IdleUser])
runner = env.create_local_runner()
before = resident_kib()
runner.spawn_users({"IdleUser": users})
gevent.sleep(1)
after = resident_kib()
print(f"users={users} rss_before_kib={before} rss_after_kib={after} "
      f"bytes_per_user={(after - before) * 1024 / users:.0f}")
runner.quit()
