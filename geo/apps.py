from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = _("Map and places")

    def ready(self):
        from accounts.workplaces import register
        from geo.api import schema  # noqa: F401  (registers the OpenAPI extension)
        from geo.layers.jurisdictions import register_layers
        from geo.spatial_index import repair_spatial_indexes
        from geo.workplaces import the_map

        register(the_map, order=20)
        register_layers()
        # Sent once per app after the whole migration run: geo's is enough to see every table.
        post_migrate.connect(repair_spatial_indexes, sender=self, dispatch_uid="geo.repair_spatial_indexes")
