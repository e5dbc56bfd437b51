"""The rectification task pages (/tasks/): managers' queues, task detail, metrics."""

from django.urls import path

from inspections.web.metrics import metrics_page
from inspections.web.tasks import views as task_views
from inspections.web.tasks.closing import task_bulk_close

app_name = "tasks"
urlpatterns: list = [
    path("", task_views.task_list, name="task-list"),
    path("close/", task_bulk_close, name="task-bulk-close"),
    path("<uuid:pk>/", task_views.task_detail, name="task-detail"),
    path("metrics/", metrics_page, name="metrics"),
]
