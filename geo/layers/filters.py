"""The filters every layer's page offers, as a django-filter base: a date range on the layer's time field, and the
community (a jurisdiction and its subtree). Layers add theirs (campaign, phase, category, status, unit, …)."""

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.api.filters import IdFilter, IdFilterSet
from geo.models import Jurisdiction


def within_jurisdiction(queryset, jurisdiction_id: int, prefix: str = ""):
    """The rows in that jurisdiction or below it (reached through ``prefix``); none for an id that names nothing."""
    jurisdiction = Jurisdiction.objects.filter(pk=jurisdiction_id).only("code").first()
    if jurisdiction is None:
        return queryset.none()
    return queryset.filter(jurisdiction.subtree_q(prefix))


class LayerFilterSet(IdFilterSet):
    """``start`` and ``end`` (dates, both inclusive, in the district's time zone) on ``time_field``, and
    ``community``: a jurisdiction's id, that jurisdiction and everything below it."""

    time_field = ""
    jurisdiction_field = "jurisdiction"

    start = django_filters.DateFilter(method="filter_start", label=gettext_lazy("From (date)"))
    end = django_filters.DateFilter(method="filter_end", label=gettext_lazy("To (date, inclusive)"))
    community = IdFilter(method="filter_community", label=gettext_lazy("Community or any jurisdiction (id)"))

    def filter_start(self, queryset, name, value):
        return queryset.filter(**{f"{self.time_field}__date__gte": value})

    def filter_end(self, queryset, name, value):
        return queryset.filter(**{f"{self.time_field}__date__lte": value})

    def filter_community(self, queryset, name, value):
        return within_jurisdiction(queryset, value, f"{self.jurisdiction_field}__")

    def is_valid(self):
        if not super().is_valid():
            return False
        start, end = self.form.cleaned_data.get("start"), self.form.cleaned_data.get("end")
        if start and end and start > end:
            self.form.add_error("end", _("The end date comes before the start date."))
            return False
        return True
