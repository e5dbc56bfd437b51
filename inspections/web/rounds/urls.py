"""The rounds pages (/rounds/): plan a round, reorder its stops, and see which assigned hotspots were not visited."""

from django.urls import path

from inspections.web.rounds import views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_new, name="new"),
    path("coverage/", views.coverage, name="coverage"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/edit/", views.round_edit, name="edit"),
    path("<int:pk>/delete/", views.round_remove, name="delete"),
    path("<int:pk>/stops/<int:stop>/move/", views.stop_move, name="move"),
]
