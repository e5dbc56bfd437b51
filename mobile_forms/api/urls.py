"""API routes of mobile_forms: checklists and the offline sync."""

from django.urls import path

from mobile_forms.api.sync_views import SyncView
from mobile_forms.api.views import ChecklistViewSet

urlpatterns = [
    path("sync/", SyncView.as_view(), name="sync"),
]


def register(router) -> None:
    """Viewsets of mobile_forms on the shared /api/ router."""
    router.register("checklists", ChecklistViewSet, basename="checklist")
