"""Citizens' reports from other systems (Open311): the clients and their keys, and a report recorded as a finding.

A report is a free inspection with one finding, recorded by the client's volunteer account through
``inspection_submit``, so it is placed, scoped, routed and registered exactly as a volunteer's finding: its task
waits in the managers' triage queue. A photo sent with it goes through ``photo_upload`` in the same transaction: a
refused photo leaves nothing behind. Idempotent on the client's key (Idempotency-Key).
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from geo.gazetteer import AddressNotPlaced, hotspot_for_address, hotspot_for_address_id
from geo.models import Hotspot, Jurisdiction
from inspections.errors import Unavailable
from inspections.evidence.inspections import FindingInput, InspectionInput, hotspot_anchor, inspection_submit
from inspections.evidence.photos import Upload, photo_upload
from inspections.models import Phase, PhotoRole, ProblemType, PublicReport, ReportingClient

KEY_BYTES = 32
REPLAY_NAMESPACE = uuid.UUID("5b0f3c1e-0e47-4c57-9a55-3d1b0c311a11")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def reporting_client_create(*, name: str, jurisdiction: Jurisdiction | None = None) -> tuple[ReportingClient, str]:
    """A new client with a new key and its own volunteer account, scoped to `jurisdiction` (default: the district,
    the one jurisdiction without a parent). Returns (client, key): the key is not stored and cannot be shown again."""
    name = name.strip()
    if jurisdiction is None:
        roots = list(Jurisdiction.objects.filter(parent__isnull=True)[:2])
        if len(roots) != 1:
            raise ValidationError(
                {"jurisdiction": _("Name the jurisdiction the client reports in: there is not exactly one district.")}
            )
        jurisdiction = roots[0]
    key = secrets.token_urlsafe(KEY_BYTES)
    account = User(
        username=f"open311-{uuid.uuid4().hex[:12]}",
        first_name=name[:150],
        role=Role.VOLUNTEER,
        jurisdiction=jurisdiction,
    )
    account.set_unusable_password()
    client = ReportingClient(name=name, key_prefix=key[:8], key_hash=key_hash(key))
    client.full_clean(exclude=["account"])
    with transaction.atomic():
        account.full_clean()
        account.save()
        client.account = account
        client.save()
    return client, key


def reporting_client_for_key(key: str) -> ReportingClient | None:
    """The active client this key belongs to, or None."""
    if not key:
        return None
    return (
        ReportingClient.objects.select_related("account", "account__jurisdiction")
        .filter(key_hash=key_hash(key), active=True)
        .first()
    )


def running_phase(day) -> Phase | None:
    """The phase a report of this day belongs to: that of an active campaign running then (the latest started)."""
    return (
        Phase.objects.filter(campaign__active=True, starts_on__lte=day, ends_on__gte=day)
        .order_by("-starts_on", "-pk")
        .first()
    )


@dataclass(frozen=True)
class ReportInput:
    problem_type: ProblemType
    location: Point | None
    description: str = ""
    severity: str = ""
    address_string: str = ""
    address_id: str = ""
    media_url: str = ""
    photo: File | None = None
    attributes: dict = field(default_factory=dict)
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    device_id: str = ""
    account_id: str = ""
    client_key: str = ""  # the client's Idempotency-Key: the same key is the same report


def _ids(client: ReportingClient, data: ReportInput) -> tuple[uuid.UUID, uuid.UUID]:
    if not data.client_key:
        return uuid.uuid4(), uuid.uuid4()
    base = f"{client.pk}:{data.client_key}"
    return uuid.uuid5(REPLAY_NAMESPACE, base + ":inspection"), uuid.uuid5(REPLAY_NAMESPACE, base + ":finding")


def _stored(client: ReportingClient, data: ReportInput) -> PublicReport | None:
    if not data.client_key:
        return None
    return PublicReport.objects.filter(client=client, client_key=data.client_key).select_related("finding").first()


def _placed(client: ReportingClient, data: ReportInput) -> tuple[Point, Hotspot | None]:
    """Where the report is: its lat and long; else the hotspot its address_id or address names, inside the
    client's jurisdiction (``geo.gazetteer``)."""
    if data.location is not None:
        return data.location, None
    root = client.account.jurisdiction
    try:
        if data.address_id:
            hotspot = hotspot_for_address_id(data.address_id, root=root)
        elif data.address_string:
            hotspot = hotspot_for_address(data.address_string, root=root)
        else:
            raise AddressNotPlaced(_("Send where the problem is: lat and long, an address_string or an address_id."))
    except AddressNotPlaced as refused:
        raise ValidationError({"location": str(refused)}) from None
    return hotspot_anchor(hotspot), hotspot


def public_report_submit(
    *, client: ReportingClient, data: ReportInput, now: datetime | None = None
) -> tuple[PublicReport, bool]:
    """Record a citizen's report at ``now`` (default: the current time); a replay (same client and key) returns the
    stored one. Returns (report, created)."""
    existing = _stored(client, data)
    if existing is not None:
        return existing, False
    location, hotspot = _placed(client, data)
    if not data.problem_type.active:
        raise ValidationError({"service_code": _("This kind of problem is no longer taken.")})
    now = now or timezone.now()
    phase = running_phase(timezone.localdate(now))
    if phase is None:
        raise Unavailable(_("No campaign phase is running, so reports cannot be received now."))
    inspection_id, finding_id = _ids(client, data)
    finding_input = FindingInput(
        id=finding_id,
        problem_type=data.problem_type,
        severity=data.severity,
        description=data.description,
        location=location,
    )
    inspection_input = InspectionInput(
        id=inspection_id, phase=phase, started_at=now, location=location, findings=[finding_input]
    )
    report = PublicReport(
        client=client,
        client_key=data.client_key,
        address_string=data.address_string,
        hotspot=hotspot,
        media_url=data.media_url,
        attributes=data.attributes,
        reporter_name=data.reporter_name,
        reporter_email=data.reporter_email,
        reporter_phone=data.reporter_phone,
        device_id=data.device_id,
        account_id=data.account_id,
        received_at=now,
    )
    report.full_clean(exclude=["finding", "client"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            inspection, _created = inspection_submit(user=client.account, data=inspection_input, now=now)
            finding = inspection.findings.get(pk=finding_id)
            if data.photo is not None:
                upload = Upload(
                    id=uuid.uuid4(), inspection=inspection, finding=finding, role=PhotoRole.BEFORE, file=data.photo
                )
                photo_upload(user=client.account, upload=upload, now=now)
            report.finding = finding
            report.save(force_insert=True)
    except IntegrityError:
        existing = _stored(client, data)  # the same report arrived twice at once
        if existing is None:
            raise
        return existing, False
    return report, True
