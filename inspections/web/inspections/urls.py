"""The inspection pages. Namespaced, because the API router already names its routes inspection-list/-detail."""

from django.urls import path

from inspections.web.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="inspection-list"),
    path("<uuid:pk>/", views.inspection_detail, name="inspection-detail"),
]
