"""The rectification task pages (/tasks/): managers' queues, task detail, metrics."""

from django.urls import path

from inspections import task_views
from inspections.metrics_views import metrics_page

app_name = "tasks"
urlpatterns: list = [
    path("", task_views.task_list, name="task-list"),
    path("<uuid:pk>/", task_views.task_detail, name="task-detail"),
    path("metrics/", metrics_page, name="metrics"),
]
