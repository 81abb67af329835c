# bench/master_scale.sh: the class Locust's master dispatches to simulated workers.
# The workers never run it; its name matches bench/scenarios/get_100.yaml's.
from locust import User, constant, task


class Getter(User):
    wait_time = constant(1)

    @task
    def get(self):
        pass
