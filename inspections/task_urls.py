"""The rectification task pages (/tasks/): managers' queues, task detail, metrics."""

from django.urls import path

from inspections.metrics_views import metrics_page

app_name = "tasks"
urlpatterns: list = [
    path("metrics/", metrics_page, name="metrics"),
]
