from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from accounts.workplaces import register
        from inspections import layers
        from inspections.web import workplaces

        layers.register_layers()
        register(workplaces.dashboard, order=25)
        register(workplaces.managers_tasks, order=30)
        register(workplaces.inspections, order=50)
        register(workplaces.tasks, order=60)
        register(workplaces.metrics, order=70)
