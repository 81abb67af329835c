# bench/dispatcher.sh: Locust's own users dispatcher (Debian's python3-locust) on
# the inputs bench/dispatcher_bench.cpp uses: a ramp to USERS users over WORKERS
# workers and 10 classes in one iteration, then the rebalance after a worker
# leaves. Fresh dispatcher every run; prints median, min and max in ms.
#
#   python3 bench/locust_dispatch.py [users] [workers] [runs] [equal | 1-10]
import statistics
import sys
import time

from locust import User
from locust.dispatch import UsersDispatcher
from locust.runners import WorkerNode

users = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
workers = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
weights = sys.argv[4] if len(sys.argv) > 4 else "1-10"

classes = [
    type(f"User{c}", (User,), {"weight": 1 if weights == "equal" else c + 1, "abstract": False})
    for c in range(10)
]
ramps, rebalances = [], []
for _ in range(runs):
    nodes = [WorkerNode(f"h{i % 10}_w{i}") for i in range(workers)]
    start = time.perf_counter()
    dispatcher = UsersDispatcher(worker_nodes=nodes, user_classes=classes)
    dispatcher.new_dispatch(target_user_count=users, spawn_rate=users)
    distribution = next(dispatcher)
    ramps.append((time.perf_counter() - start) * 1000)
    assert sum(sum(c.values()) for c in distribution.values()) == users

    start = time.perf_counter()
    dispatcher.remove_worker(nodes[workers // 2])
    dispatcher.new_dispatch(target_user_count=users, spawn_rate=users)
    distribution = next(dispatcher)
    rebalances.append((time.perf_counter() - start) * 1000)
    assert sum(sum(c.values()) for c in distribution.values()) == users

print(f"users={users} workers={workers} classes=10 weights={weights} runs={runs}")
for name, times in (("ramp", ramps), ("rebalance", rebalances)):
    print(f"{name} median_ms={statistics.median(times):.3f} min_ms={min(times):.3f} max_ms={max(times):.3f}")
