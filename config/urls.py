from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.token import TokenObtainView
from accounts.views import home
from geo.api import urls as geo_api
from geo.layers.page import map_page
from inspections.api import urls as inspections_api
from mobile_forms.api import urls as mobile_forms_api

admin.site.site_header = _("Civic hotspot inspection · administration")
admin.site.site_title = _("Civic hotspot inspection")
admin.site.index_title = _("Places, units and people")

handler404 = "config.api.page_not_found"

router = DefaultRouter()
geo_api.register(router)
inspections_api.register(router)
mobile_forms_api.register(router)


def favicon(request):
    # The hashed name is looked up per request: at import, a production manifest may not be collected yet.
    return HttpResponsePermanentRedirect(static("favicon.ico"))


urlpatterns = [
    path("", home, name="home"),
    # Browsers ask for /favicon.ico whatever the page links (and log a 404 when it is missing).
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("map/", map_page, name="map"),
    path("places/", include("geo.web.urls")),
    path("exports/", include("geo.web.exports")),
    path("inspections/", include("inspections.web.inspections.urls")),
    path("tasks/", include("inspections.web.tasks.urls")),
    path("rounds/", include("inspections.web.rounds.urls")),
    path("notifications/", include("inspections.web.notifications.urls")),
    path("dashboard/briefings/", include("inspections.web.briefings.urls")),
    path("dashboard/", include("inspections.web.dashboard.urls")),
    path("m/", include("mobile_forms.urls")),
    path("admin/", admin.site.urls),
    path("open311/v2/", include("inspections.open311.urls")),
    path("api/auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("tiles/", include(geo_api.tile_urlpatterns)),
    path("api/", include(geo_api.urlpatterns)),
    path("api/", include(inspections_api.urlpatterns)),
    path("api/", include(mobile_forms_api.urlpatterns)),
    path("api/", include(router.urls)),
]
# Nothing serves MEDIA_ROOT, not even under DEBUG: originals carry EXIF GPS and display copies are named after the
# photo's id, so photos are read only through the permission-checked views of /api/photos/.
