import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def english_messages():
    """Service-level messages are asserted in English; pages pick their language per request as usual."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for(api_client):
    """An API client signed in as the given user (token authentication, as tablets use), asking for English."""

    def make(user, language="en"):
        from rest_framework.authtoken.models import Token

        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE=language)
        return client

    return make


def describe_calendar_years():
    """Deadlines are counted on the official calendar, which the package ships only up to a year. When the tests run
    in a year it does not know (or next to one), one CalendarDay row per such year lets the Monday–Friday rule answer,
    as an office would enter it."""
    import datetime as dt

    import chinese_calendar
    from django.utils import timezone

    from inspections.models import CalendarDay

    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            CalendarDay.objects.get_or_create(date=dt.date(year, 1, 1), defaults={"name": "元旦"})


@pytest.fixture
def world(db):
    """The small district of `make_world`, for one test."""
    return make_world()


def make_world():
    """A small district: area 116.20–116.24 E × 39.84–39.86 N split into two communities, with overlapping units.

    - committees own their community; a property manager's compound lies inside the west community;
    - an enforcement squad's large corridor (priority 10) covers both communities north of 39.851 N;
    - hotspot `stall` (point, east) is sponsored by the school; hotspot `plot` (polygon, east) has no sponsor.
    """
    from types import SimpleNamespace

    from django.contrib.gis.geos import GEOSGeometry

    from accounts.models import Role
    from geo.categories import ensure_default_categories
    from geo.models import JurisdictionKind, UnitKind
    from inspections.evidence.problem_types import ensure_default_problem_types
    from tests.factories import HotspotFactory, JurisdictionFactory, UnitFactory, UserFactory, box

    ensure_default_categories()
    ensure_default_problem_types()  # a transactional test before this one flushed the migration's rows
    describe_calendar_years()
    district = JurisdictionFactory(code="110106", name="丰台区", kind=JurisdictionKind.DISTRICT)
    area = JurisdictionFactory(
        code="110106016",
        name="宛平城地区",
        kind=JurisdictionKind.AREA,
        parent=district,
        boundary=box(116.20, 39.84, 116.24, 39.86),
    )
    west = JurisdictionFactory(
        code="110106016001",
        name="西社区",
        name_en="West",
        kind=JurisdictionKind.COMMUNITY,
        parent=area,
        boundary=box(116.20, 39.84, 116.22, 39.86),
    )
    east = JurisdictionFactory(
        code="110106016002",
        name="东社区",
        name_en="East",
        kind=JurisdictionKind.COMMUNITY,
        parent=area,
        boundary=box(116.22, 39.84, 116.24, 39.86),
    )
    cell = JurisdictionFactory(
        code="110106016001001",
        name="西社区第1网格",
        kind=JurisdictionKind.GRID,
        parent=west,
        boundary=box(116.200, 39.840, 116.201, 39.841),
    )
    west_committee = UnitFactory(name="西社区居委会", jurisdiction=west, service_area=west.boundary)
    east_committee = UnitFactory(name="东社区居委会", jurisdiction=east, service_area=east.boundary)
    property_manager = UnitFactory(
        name="西苑物业",
        kind=UnitKind.PROPERTY_MANAGER,
        jurisdiction=west,
        service_area=box(116.205, 39.845, 116.210, 39.850),
    )
    squad = UnitFactory(
        name="城管执法队",
        kind=UnitKind.ENFORCEMENT_SQUAD,
        jurisdiction=area,
        routing_priority=10,
        service_area=box(116.20, 39.851, 116.24, 39.866),
    )
    school = UnitFactory(
        name="宛平中学",
        kind=UnitKind.RESIDENT_ENTERPRISE,
        jurisdiction=east,
        service_area=box(116.235, 39.841, 116.238, 39.843),
    )
    office = UnitFactory(name="创建办", kind=UnitKind.CAMPAIGN_OFFICE, jurisdiction=area)
    stall = HotspotFactory(
        name="东街摊点",
        geometry=GEOSGeometry("SRID=4326;POINT(116.230 39.845)"),
        sponsoring_unit=school,
    )
    plot = HotspotFactory(
        name="东侧待建地块",
        geometry=GEOSGeometry(
            "SRID=4326;POLYGON((116.225 39.848,116.228 39.848,116.228 39.850,116.225 39.850,116.225 39.848))"
        ),
    )
    users = SimpleNamespace(
        admin=UserFactory(username="admin_u", role=Role.ADMIN, is_staff=True),
        manager=UserFactory(username="manager_u", role=Role.MANAGER, jurisdiction=area, unit=office, is_staff=True),
        west_manager=UserFactory(username="west_manager", role=Role.MANAGER, jurisdiction=west),
        inspector=UserFactory(username="inspector_u", role=Role.INSPECTOR, unit=office, jurisdiction=area),
        east_inspector=UserFactory(username="east_inspector", role=Role.INSPECTOR, jurisdiction=east),
        volunteer=UserFactory(username="volunteer_u", role=Role.VOLUNTEER, unit=office, jurisdiction=area),
        rectifier=UserFactory(username="rectifier_u", role=Role.RECTIFIER, unit=west_committee),
        east_rectifier=UserFactory(username="east_rectifier", role=Role.RECTIFIER, unit=east_committee),
        nobody=UserFactory(username="nobody", role=Role.INSPECTOR),
    )
    return SimpleNamespace(
        district=district,
        area=area,
        west=west,
        east=east,
        cell=cell,
        west_committee=west_committee,
        east_committee=east_committee,
        property_manager=property_manager,
        squad=squad,
        school=school,
        office=office,
        stall=stall,
        plot=plot,
        users=users,
    )
