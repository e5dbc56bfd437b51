"""The admin's part of the rules: one line per registered ModelAdmin (who sees, adds and deletes its objects, and
whether that is scoped to the staff member's area), made into rules for its changelist, add, change, history and
delete views and its actions; and the admin site's own views."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.admin.utils import quote
from django.urls import reverse

from tests.permissions.rules import ADMINS, EVERYONE, NOBODY, STAFF, Rule


def _token(s):
    from rest_framework.authtoken.admin import TokenProxy

    return TokenProxy.objects.get(pk=s.token.pk)


def _problem_type(s):
    from inspections.models import ProblemType

    return ProblemType.objects.get(code="exposed_garbage")


@dataclass(frozen=True)
class AdminModel:
    view: frozenset[str]
    add: frozenset[str]
    delete: frozenset[str]
    scoped: bool
    obj: Callable  # scene → an object of community A's (or of the district, for the unscoped)
    actions: tuple[str, ...] = ()  # the admin's own actions (who: those who may add), besides delete_selected
    delete_page: frozenset[str] | None = None  # who sees the delete page, when not those who may delete


ADMIN_MODELS: dict[str, AdminModel] = {
    "accounts.user": AdminModel(STAFF, STAFF, STAFF, True, lambda s: s.people["inspector"]),
    "auth.group": AdminModel(ADMINS, ADMINS, ADMINS, False, lambda s: s.group),
    "authtoken.tokenproxy": AdminModel(ADMINS, ADMINS, ADMINS, False, _token),
    "geo.jurisdiction": AdminModel(STAFF, STAFF, STAFF, True, lambda s: s.world.cell),
    "geo.unit": AdminModel(STAFF, STAFF, STAFF, True, lambda s: s.world.west_committee),
    "geo.hotspot": AdminModel(STAFF, STAFF, STAFF, True, lambda s: s.hotspot),
    "geo.hotspotcategory": AdminModel(ADMINS, ADMINS, ADMINS, False, lambda s: s.hotspot.category),
    "inspections.campaign": AdminModel(ADMINS, ADMINS, ADMINS, False, lambda s: s.phase.campaign),
    "inspections.problemtype": AdminModel(ADMINS, ADMINS, ADMINS, False, _problem_type),
    "inspections.round": AdminModel(STAFF, STAFF, STAFF, True, lambda s: s.round),
    "inspections.calendarday": AdminModel(ADMINS, ADMINS, ADMINS, False, lambda s: s.calendar_day),
    # Evidence and what the system sent are read, never added or edited; tasks move only through the workflow and
    # are never deleted, nor is the evidence whose deletion would take a task with it.
    # (Their delete page shows those who see them why not.)
    "inspections.inspection": AdminModel(STAFF, NOBODY, NOBODY, True, lambda s: s.inspection, delete_page=STAFF),
    "inspections.finding": AdminModel(STAFF, NOBODY, NOBODY, True, lambda s: s.finding, delete_page=STAFF),
    "inspections.photo": AdminModel(STAFF, NOBODY, STAFF, True, lambda s: s.photo),
    "inspections.task": AdminModel(STAFF, NOBODY, NOBODY, True, lambda s: s.task),
    "inspections.notification": AdminModel(STAFF, NOBODY, STAFF, True, lambda s: s.notification),
    # Open311 clients are made (with their key) by administrators and deactivated, never deleted; the reports keep
    # the reporters' contact, for administrators only, and are evidence.
    "inspections.reportingclient": AdminModel(ADMINS, ADMINS, NOBODY, False, lambda s: s.reporting_client),
    "inspections.publicreport": AdminModel(ADMINS, NOBODY, NOBODY, False, lambda s: s.public_report),
    "inspections.webhookdelivery": AdminModel(STAFF, NOBODY, STAFF, True, lambda s: s.delivery),
    "mobile_forms.syncrefusal": AdminModel(STAFF, NOBODY, STAFF, True, lambda s: s.refusal),
    "mobile_forms.syncconflict": AdminModel(STAFF, NOBODY, STAFF, True, lambda s: s.conflict),
    # Failed sign-ins (the login throttling): looked at and cleared by administrators, never added by hand.
    "axes.accessattempt": AdminModel(
        ADMINS, NOBODY, ADMINS, False, lambda s: s.access_attempt, actions=("cleanup_expired_attempts",)
    ),
    "axes.accesslog": AdminModel(ADMINS, NOBODY, ADMINS, False, lambda s: s.access_log),
    "axes.accessfailurelog": AdminModel(ADMINS, NOBODY, ADMINS, False, lambda s: s.access_failure),
    "mobile_forms.checklist": AdminModel(ADMINS, ADMINS, ADMINS, False, lambda s: s.checklist),
    # A version is imported or copied, never added from an empty form; a published one is never deleted.
    "mobile_forms.checklistversion": AdminModel(
        ADMINS, NOBODY, NOBODY, False, lambda s: s.version, actions=("publish_drafts", "new_draft")
    ),
}


def _url(name, model, *args):
    app_label, model_name = model.split(".")
    return lambda s: reverse(f"admin:{app_label}_{model_name}_{name}", args=[arg(s) for arg in args])


def _object_pk(entry):
    return lambda s: quote(entry.obj(s).pk)


def _action(action, entry):
    return lambda s: {"action": action, "_selected_action": [entry.obj(s).pk], "post": "yes", "index": 0}


def model_rules(model: str, entry: AdminModel) -> list[Rule]:
    app_label, model_name = model.split(".")
    base = f"/admin/{app_label}/{model_name}/"
    obj, scoped = _object_pk(entry), entry.scoped
    changelist = _url("changelist", model)
    rules = [
        Rule("GET", base, entry.view, scoped, others_answered=True, listed=_url("change", model, obj)),
        Rule("GET", base + "add/", entry.add, scoped=False),
        Rule("GET", base + "{object_id}/", STAFF, scoped=False, url=lambda s: f"{base}{obj(s)}/"),
    ]
    delete_page = entry.delete if entry.delete_page is None else entry.delete_page
    for view, who in (("change", entry.view), ("history", entry.view), ("delete", delete_page)):
        rules.append(Rule("GET", base + f"{{object_id}}/{view}/", who, scoped, url=_url(view, model, obj)))
    rules.append(
        Rule(
            "POST",
            base + "{object_id}/delete/",
            entry.delete,
            scoped,
            url=_url("delete", model, obj),
            body=lambda s: {"post": "yes"},
            form="form",
        )
    )
    for action, who in [("delete_selected", entry.delete)] + [(name, entry.add | ADMINS) for name in entry.actions]:
        rules.append(
            Rule(
                "POST",
                base,
                who,
                scoped,
                url=changelist,
                body=_action(action, entry),
                form="form",
                others_answered=True,
                variant=f"action {action}",
            )
        )
    return rules


def _autocomplete(model, field):
    app_label, model_name = model.split(".")
    return lambda s: f"/admin/autocomplete/?app_label={app_label}&model_name={model_name}&field_name={field}"


# The choices the scoped admins' autocomplete widgets offer: each lists community A's choice to A's staff only.
AUTOCOMPLETES = [
    ("geo.unit", "jurisdiction", lambda s: str(s.world.cell.pk)),
    ("geo.jurisdiction", "parent", lambda s: str(s.world.cell.pk)),
    ("geo.hotspot", "sponsoring_unit", lambda s: str(s.world.west_committee.pk)),
    ("accounts.user", "unit", lambda s: str(s.world.west_committee.pk)),
    ("accounts.user", "jurisdiction", lambda s: str(s.world.cell.pk)),
]

SITE_RULES = [
    Rule("GET", "/admin/", STAFF, scoped=False),
    Rule("GET", "/admin/login/", EVERYONE, scoped=False),
    Rule("POST", "/admin/logout/", EVERYONE, scoped=False, url=lambda s: "/admin/logout/?next=/map/"),
    Rule("GET", "/admin/password_change/", STAFF, scoped=False),
    Rule("GET", "/admin/password_change/done/", STAFF, scoped=False),
    Rule("GET", "/admin/jsi18n/", STAFF, scoped=False),
    Rule("GET", "/admin/{app_label}/", STAFF, scoped=False, url=lambda s: "/admin/geo/"),
    Rule("GET", "/admin/{url}", NOBODY, scoped=False, url=lambda s: "/admin/nowhere/"),
    # No model has a page of its own (get_absolute_url): "view on site" answers 404 to staff too.
    Rule(
        "GET",
        "/admin/r/{content_type_id}/{object_id}/",
        NOBODY,
        scoped=False,
        url=lambda s: f"/admin/r/{s.hotspot_type}/{s.hotspot.pk}/",
    ),
    *(
        Rule(
            "GET",
            "/admin/autocomplete/",
            STAFF,
            url=_autocomplete(model, field),
            listed=listed,
            others_answered=True,
            variant=f"{model}.{field}",
        )
        for model, field, listed in AUTOCOMPLETES
    ),
    Rule(
        "GET",
        "/admin/accounts/user/{id}/password/",
        STAFF,
        url=lambda s: f"/admin/accounts/user/{s.people['inspector'].pk}/password/",
    ),
    Rule(
        "POST",
        "/admin/accounts/user/{id}/password/",
        STAFF,
        form="form",
        url=lambda s: f"/admin/accounts/user/{s.people['inspector'].pk}/password/",
        body=lambda s: {
            "password1": "Wenming-2026-matrix",
            "password2": "Wenming-2026-matrix",
            "usable_password": "true",
        },
    ),
    Rule("GET", "/admin/inspections/calendarday/year/", ADMINS, scoped=False),
    Rule("GET", "/admin/geo/hotspot/import/", STAFF, scoped=False),
    Rule("GET", "/admin/geo/jurisdiction/import/", STAFF, scoped=False),
    Rule("GET", "/admin/geo/unit/import/", STAFF, scoped=False),
    Rule("GET", "/admin/mobile_forms/checklistversion/import/", ADMINS, scoped=False),
    Rule(
        "GET",
        "/admin/mobile_forms/checklistversion/{id}/xlsform/",
        ADMINS,
        scoped=False,
        url=lambda s: f"/admin/mobile_forms/checklistversion/{s.version.pk}/xlsform/",
    ),
]


def admin_rules() -> list[Rule]:
    rules = list(SITE_RULES)
    for model, entry in ADMIN_MODELS.items():
        rules += model_rules(model, entry)
    return rules
