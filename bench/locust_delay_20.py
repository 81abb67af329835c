# bench/timing_accuracy.sh: Locust's FastHttpUser asking a target that answers in 20 ms,
# waiting 0.1 s between asks (the same user as bench/scenarios/delay_20.yaml).
from locust import FastHttpUser, constant, task


class Waiter(FastHttpUser):
    wait_time = constant(0.1)

    @task
    def get(self):
        self.client.get("/delay?ms=20")
