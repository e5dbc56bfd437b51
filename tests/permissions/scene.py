"""The objects every rule is tried on, built once per test session worker: the test world's two communities, with
evidence, tasks, a notification and the admin's records all in community A (west) and its unit."""

import datetime as dt
import uuid
from types import SimpleNamespace

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import Point
from django.test import TestCase
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Role
from geo.exports.services import export_request
from geo.layers import get_layer
from geo.models import LayerExport
from inspections.evidence.inspections import InspectionInput, inspection_submit
from inspections.evidence.public_reports import ReportInput, public_report_submit, reporting_client_create
from inspections.models import (
    Briefing,
    CalendarDay,
    Notification,
    NotificationEvent,
    ProblemType,
    WebhookDelivery,
)
from inspections.reporting.briefings.services import briefing_request
from inspections.reporting.metrics import Period
from inspections.rounds.services import RoundInput, round_create
from mobile_forms.answers import snapshot
from mobile_forms.models import SyncConflict, SyncRefusal
from tests.conftest import make_world
from tests.factories import HotspotFactory, UserFactory, running_phase
from tests.inspections.task_builders import report, submit_fix
from tests.mobile_forms.xlsforms import publish

# Staff managers get every right on the admins scoped to their area (the most a manager can be given), and none on
# the district-wide settings, which only administrators grant.
SCOPED_MODELS = {
    "accounts": ["user"],
    "geo": ["jurisdiction", "unit", "hotspot"],
    "inspections": ["inspection", "finding", "photo", "task", "notification", "webhookdelivery", "round"],
    "mobile_forms": ["syncrefusal", "syncconflict"],
}
WEST_POINT = (116.215, 39.845)  # west community, the west committee's service area, no other unit's


def _staff_manager(user):
    user.is_staff = True
    user.save()
    for app_label, models in SCOPED_MODELS.items():
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=models)
        )
    return user


def sign_in_records() -> dict:
    """One record of each kind the login throttling (django-axes) keeps: who tried which username from where."""
    where = {"username": "someone", "ip_address": "203.0.113.9", "user_agent": "test", "path_info": "/accounts/login/"}
    return {
        "access_attempt": AccessAttempt.objects.create(**where, get_data="", post_data="", failures_since_start=1),
        "access_log": AccessLog.objects.create(**where),
        "access_failure": AccessFailureLog.objects.create(**where),
    }


def build_scene() -> SimpleNamespace:
    world = make_world()
    phase = running_phase()
    u = world.users
    u.admin.is_superuser = True
    u.admin.save()
    east_manager = UserFactory(username="east_manager", role=Role.MANAGER, jurisdiction=world.east)
    people = {
        "anonymous": None,
        "admin": u.admin,
        "manager": _staff_manager(u.west_manager),
        "inspector": UserFactory(username="west_inspector", role=Role.INSPECTOR, jurisdiction=world.west),
        "volunteer": UserFactory(username="west_volunteer", role=Role.VOLUNTEER, jurisdiction=world.west),
        "rectifier": u.rectifier,
        "manager-other-community": _staff_manager(east_manager),
        "inspector-other-community": u.east_inspector,
        "rectifier-other-unit": u.east_rectifier,
    }
    inspector, rectifier = people["inspector"], people["rectifier"]
    hotspot = HotspotFactory(
        name="西街小区", geometry=Point(*WEST_POINT, srid=4326), sponsoring_unit=world.west_committee
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        task = report(inspector, phase, lon=WEST_POINT[0], lat=WEST_POINT[1], before_photos=1)
        submitted = report(inspector, phase, lon=116.213, lat=39.844, before_photos=0, seed=2)
        submit_fix(rectifier, submitted)
    task.refresh_from_db()
    submitted.refresh_from_db()
    notification = Notification.objects.filter(recipient=rectifier, task=task).first() or Notification.objects.create(
        recipient=rectifier, task=task, event=NotificationEvent.NEW_TASK, key=f"new_task:{task.pk}"
    )
    now = timezone.now()
    refusal = SyncRefusal.objects.create(
        user=inspector,
        device="tablet-1",
        item_type="inspection",
        item_id=str(uuid.uuid4()),
        digest="a" * 64,
        payload={"type": "inspection"},
        reason="outside the area",
        last_seen_at=now,
    )
    conflict = SyncConflict.objects.create(
        user=inspector,
        device="tablet-2",
        item_type="inspection",
        item_id=task.finding.inspection_id,
        digest="b" * 64,
        payload={"type": "inspection"},
        differences=["answers"],
        last_seen_at=now,
    )
    version = publish()
    scored, _ = inspection_submit(
        user=inspector,
        data=InspectionInput(
            id=uuid.uuid4(),
            phase=phase,
            hotspot=hotspot,
            started_at=now - dt.timedelta(hours=1),
            answers=snapshot(version, {"clean": False, "garbage_kind": "leaves", "photo": str(uuid.uuid4())}),
            checklist_version=version.pk,
        ),
    )
    reporting_client, open311_key = reporting_client_create(name="随手拍 matrix")
    with TestCase.captureOnCommitCallbacks(execute=True):
        public_report, _created = public_report_submit(
            client=reporting_client,
            data=ReportInput(
                problem_type=ProblemType.objects.get(code="exposed_garbage"),
                location=Point(116.225, 39.842, srid=4326),
                reporter_email="citizen@example.com",
            ),
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        today = timezone.localdate()
        briefing = briefing_request(
            user=people["manager"], phase=phase, period=Period(today - dt.timedelta(days=6), today)
        )
    # A's manager's export of the tasks with their photos, written (its file is there to download).
    with TestCase.captureOnCommitCallbacks(execute=True):
        export = export_request(
            user=people["manager"], layer=get_layer("tasks"), format_name="csv", filters={}, with_photos=True
        )
    # Today's round of A's inspector: the scene's hotspot (visited by the scored inspection) and one not visited.
    stop_left = HotspotFactory(name="西社区公交站", geometry=Point(116.212, 39.846, srid=4326))
    round_ = round_create(
        user=people["manager"],
        data=RoundInput(
            title="西社区今日巡查",
            jurisdiction=world.west,
            inspectors=[inspector],
            hotspots=[hotspot, stop_left],
            day=timezone.localdate(),
        ),
    )
    return SimpleNamespace(
        round=round_,
        stop_left=round_.stops.get(hotspot=stop_left),
        stop_left_hotspot=stop_left,
        scored=scored,
        world=world,
        phase=phase,
        people=people,
        hotspot=hotspot,
        task=task,
        submitted=submitted,
        finding=task.finding,
        inspection=task.finding.inspection,
        photo=task.finding.photos.get(),
        notification=notification,
        delivery=WebhookDelivery.objects.create(
            unit=world.west_committee, task=task, event=NotificationEvent.NEW_TASK, key=f"robot:{task.pk}"
        ),
        refusal=refusal,
        conflict=conflict,
        token=Token.objects.get_or_create(user=inspector)[0],
        **sign_in_records(),
        group=Group.objects.get_or_create(name="Managers")[0],
        calendar_day=CalendarDay.objects.get_or_create(
            date=dt.date(timezone.localdate().year + 1, 10, 1), defaults={"name": "国庆节"}
        )[0],
        version=version,
        hotspot_type=ContentType.objects.get_for_model(hotspot).pk,
        checklist=version.checklist,
        briefing=Briefing.objects.get(pk=briefing.pk),
        export=LayerExport.objects.get(pk=export.pk),
        reporting_client=reporting_client,
        open311_key=open311_key,
        public_report=public_report,
    )
