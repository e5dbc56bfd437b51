from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = _("Map and places")

    def ready(self):
        from accounts.workplaces import register
        from geo.api import schema  # noqa: F401  (registers the OpenAPI extension)
        from geo.workplaces import the_map

        register(the_map, order=20)
