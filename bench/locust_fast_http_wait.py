# bench/http_user_memory.sh: Locust's FastHttpUser doing one GET, then waiting.
from locust import FastHttpUser, constant, task


class Waiter(FastHttpUser):
    wait_time = constant(3600)

    @task
    def get(self):
        self.client.get("/100")
