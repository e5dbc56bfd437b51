"""Writes of the spatial backbone. Every create and update goes through here (the admin too)."""

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from geo.models import Hotspot, Jurisdiction, Unit
from geo.routing import resolve_jurisdiction
from geo.validation import clean_point_or_polygonal


def jurisdiction_save(*, jurisdiction: Jurisdiction) -> Jurisdiction:
    jurisdiction.full_clean(exclude=["level"])
    jurisdiction.save()
    return jurisdiction


def unit_save(*, unit: Unit) -> Unit:
    unit.full_clean(exclude=["service_area_m2"])
    unit.save()
    return unit


def locate_jurisdiction(geometry: GEOSGeometry) -> Jurisdiction:
    anchor = geometry if geometry.geom_type == "Point" else geometry.point_on_surface
    jurisdiction = resolve_jurisdiction(anchor)
    if jurisdiction is None:
        raise ValidationError(
            {
                "geometry": _("The location (%(lon).6f, %(lat).6f) is outside every jurisdiction of the district.")
                % {"lon": anchor.x, "lat": anchor.y}
            }
        )
    return jurisdiction


@transaction.atomic
def hotspot_save(*, hotspot: Hotspot) -> Hotspot:
    """Validate the shape, derive the jurisdiction from it, and save."""
    try:
        hotspot.geometry = clean_point_or_polygonal(hotspot.geometry)
    except ValidationError as exc:
        raise ValidationError({"geometry": exc.messages}) from exc
    hotspot.jurisdiction = locate_jurisdiction(hotspot.geometry)
    hotspot.full_clean()
    hotspot.save()
    return hotspot


def hotspot_create(**fields) -> Hotspot:
    return hotspot_save(hotspot=Hotspot(**fields))


def hotspot_update(*, hotspot: Hotspot, **fields) -> Hotspot:
    for name, value in fields.items():
        setattr(hotspot, name, value)
    return hotspot_save(hotspot=hotspot)
