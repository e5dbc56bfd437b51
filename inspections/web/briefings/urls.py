"""The briefings page (/dashboard/briefings/): ask for one, watch it being built, download its files."""

from django.urls import path

from inspections.web.briefings import views

app_name = "briefings"
urlpatterns = [
    path("", views.briefing_list, name="list"),
    path("<int:pk>/progress/", views.briefing_progress, name="progress"),
    path("<int:pk>/<str:kind>/", views.briefing_download, name="download"),
]
