from django.urls import path, register_converter

from inspections.open311.formats import FormatConverter
from inspections.open311.views import (
    DiscoveryView,
    RequestDetailView,
    RequestListView,
    ServiceDefinitionView,
    ServiceListView,
)

register_converter(FormatConverter, "open311_format")

app_name = "open311"
urlpatterns = [
    path("discovery.<open311_format:fmt>", DiscoveryView.as_view(), name="discovery"),
    path("services.<open311_format:fmt>", ServiceListView.as_view(), name="services"),
    path("services/<slug:service_code>.<open311_format:fmt>", ServiceDefinitionView.as_view(), name="service"),
    path("requests.<open311_format:fmt>", RequestListView.as_view(), name="requests"),
    path("requests/<uuid:service_request_id>.<open311_format:fmt>", RequestDetailView.as_view(), name="request"),
]
