"""The managers' dashboard (/dashboard/) and its tables as workbooks; the briefings live at /dashboard/briefings/."""

from django.urls import path

from inspections.web.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard_page, name="index"),
    path("export/<slug:table>/", views.dashboard_export, name="export"),
]
