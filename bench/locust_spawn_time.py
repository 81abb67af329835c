#!/usr/bin/python3
"""The peer of spawn_time.cpp: Locust (Debian's python3-locust) starts N plain
users at spawn rate R; prints how long until its runner reports them running."""
import sys
import time

import gevent
from locust import User, constant, task
from locust.env import Environment


class IdleUser(User):
    wait_time = constant(3600)

    @task
    def nothing(self):
        pass


users = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
rate = float(sys.argv[2]) if len(sys.argv) > 2 else 100000.0
env = Environment(user_classes=[IdleUser])
runner = env.create_local_runner()
started = time.monotonic()
runner.start(users, rate)
while runner.state != "running" or runner.user_count < users:
    gevent.sleep(0.001)
print(f"users={users} spawn_rate={rate:g} seconds={time.monotonic() - started:.4f}")
runner.quit()
