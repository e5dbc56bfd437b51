"""The rectification task pages (/tasks/): managers' queues, task detail, metrics."""

app_name = "tasks"
urlpatterns: list = []
