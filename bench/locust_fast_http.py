# bench/http_throughput.sh: Locust's fastest HTTP user, one GET, no wait.
# The path comes from BENCH_PATH (/100 or /1k).
import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/100")


class Getter(FastHttpUser):
    wait_time = constant(0)

    @task
    def get(self):
        self.client.get(PATH)
