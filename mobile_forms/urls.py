"""The tablet app under /m/."""

from django.urls import path

from mobile_forms import views

app_name = "mobile"
urlpatterns = [
    path("", views.app, name="app"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("session.json", views.session, name="session"),
]
