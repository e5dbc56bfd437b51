from django.urls import path

from inspections.api.dashboard import DashboardView
from inspections.api.metrics import MetricsView
from inspections.api.notifications import NotificationViewSet
from inspections.api.rankings import RankingView, ScoresView
from inspections.api.rounds import RoundViewSet
from inspections.api.tasks import TaskViewSet
from inspections.api.views import (
    CampaignViewSet,
    FindingViewSet,
    InspectionViewSet,
    PhotoFileView,
    PhotoView,
    ProblemTypeViewSet,
)


def register(router) -> None:
    router.register("problem-types", ProblemTypeViewSet, basename="problem-type")
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("findings", FindingViewSet, basename="finding")
    router.register("tasks", TaskViewSet, basename="task")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("rounds", RoundViewSet, basename="round")


urlpatterns = [
    path("photos/<uuid:pk>/", PhotoView.as_view(), name="photo"),
    path("photos/<uuid:pk>/<str:variant>/", PhotoFileView.as_view(), name="photo-file"),
    path("metrics/", MetricsView.as_view(), name="metrics"),
    path("rankings/", RankingView.as_view(), name="rankings"),
    path("scores/", ScoresView.as_view(), name="scores"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
]
