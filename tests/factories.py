"""factory_boy factories for the spatial backbone; shapes are WKT literals with SRIDs around Wanping."""

import factory
from django.contrib.gis.geos import GEOSGeometry

from accounts.models import Role, User
from geo.models import Hotspot, HotspotCategory, Jurisdiction, JurisdictionKind, Unit, UnitKind
from geo.services import hotspot_save, jurisdiction_save, unit_save


def box(minx: float, miny: float, maxx: float, maxy: float) -> GEOSGeometry:
    return GEOSGeometry(
        f"SRID=4326;MULTIPOLYGON((({minx} {miny},{maxx} {miny},{maxx} {maxy},{minx} {maxy},{minx} {miny})))"
    )


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction

    code = factory.Sequence(lambda n: f"110106{n:03d}")
    name = factory.Sequence(lambda n: f"辖区{n}")
    kind = JurisdictionKind.DISTRICT
    boundary = factory.LazyFunction(lambda: box(116.20, 39.83, 116.25, 39.87))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return jurisdiction_save(jurisdiction=model_class(*args, **kwargs))


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = UnitKind.COMMUNITY_COMMITTEE
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    service_area = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return unit_save(unit=model_class(*args, **kwargs))


class HotspotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hotspot

    name = factory.Sequence(lambda n: f"点位{n}")
    category = factory.LazyFunction(lambda: HotspotCategory.objects.get(code="old_compound"))
    geometry = factory.LazyFunction(lambda: GEOSGeometry("SRID=4326;POINT(116.22 39.85)"))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return hotspot_save(hotspot=model_class(*args, **kwargs))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.INSPECTOR
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()


def running_phase(
    name: str = "创建首都文明区 · 城市清洁日", name_en: str = "Capital civilized district · city cleaning day"
):
    """A campaign running this month and its self-inspection phase, which covers today."""
    import datetime as dt

    from django.utils import timezone

    from inspections.models import Campaign, Phase, PhaseKind

    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name=name, name_en=name_en, starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=60)
    )
    return Phase.objects.create(
        campaign=campaign,
        kind=PhaseKind.SELF_INSPECTION,
        starts_on=today - dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=7),
        checklist_version="2026.1",
    )
