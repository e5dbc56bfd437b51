import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    TRIAGE = "triage", _("Awaiting triage")
    UNROUTED = "unrouted", _("Awaiting assignment")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    SUBMITTED = "submitted", _("Fix submitted")
    REJECTED = "rejected", _("Fix rejected (rework)")
    RETURNED = "returned", _("Returned by the unit")
    DEFERRED = "deferred", _("Deferred")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")
    VOID = "void", _("Void")


class TaskOrigin(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    PUBLIC = "public", _("Public report")


class Task(models.Model):
    """A rectification task (整改任务): one finding, the unit that must fix it, its deadline and status."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    finding = models.OneToOneField(
        "inspections.Finding", verbose_name=_("finding"), on_delete=models.CASCADE, related_name="task"
    )
    # Place, hotspot and jurisdiction are the finding's (evidence, never edited), kept here so that task lists filter,
    # scope and sort by distance without joining through findings and inspections.
    hotspot = models.ForeignKey(
        "geo.Hotspot",
        verbose_name=_("hotspot"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    location = models.PointField(_("location"), srid=4326)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="tasks"
    )
    unit = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    origin = models.CharField(_("origin"), max_length=12, choices=TaskOrigin.choices, default=TaskOrigin.INSPECTION)
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, db_index=True)
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    requested_due_at = models.DateTimeField(_("requested deadline"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("arrived on site"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("fix submitted"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Counts of the trail's moves, kept by the workflow service as it writes them, for the metrics.
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions granted"), default=0)
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    was_deferred = models.BooleanField(_("deferred at some time"), default=False)
    # Not auto_now: the task services stamp it with the moment of the change, which a caller may give them (now=).
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_at", "registered_at"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["unit", "status"], name="inspections_task_unit_status")]

    def __str__(self) -> str:
        return f"{self.finding.problem_type} · {self.get_status_display()}"


class TaskEvent(models.Model):
    """One move of a task (the audit trail): who, when, from where, why, with which photos."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="events")
    client_id = models.UUIDField(
        _("client id"),
        unique=True,
        null=True,
        blank=True,
        help_text=_("The id a tablet gave this move, so that a replayed move is recorded once."),
    )
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=20, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=TaskStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_events",
        help_text=_("Empty for a move the system made."),
    )
    at = models.DateTimeField(_("received"), default=timezone.now, help_text=_("When the server recorded the move."))
    claimed_at = models.DateTimeField(
        _("made at (device)"),
        null=True,
        blank=True,
        help_text=_("When the tablet says the move was made (offline moves arrive later); empty when it said nothing."),
    )
    clock_offset = models.DurationField(
        _("device clock offset"),
        null=True,
        blank=True,
        help_text=_(
            "What was added to the tablet's time to read it on the server's clock (its clock was that far behind; "
            "negative: ahead); empty when not measured."
        ),
    )
    counted_at = models.DateTimeField(
        _("counts as made at"),
        null=True,
        blank=True,
        help_text=_("The time the task and the metrics use: the device's time within what the server can check."),
    )
    position = models.PointField(_("device position"), srid=4326, null=True, blank=True)
    accuracy_m = models.FloatField(_("position accuracy (m)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    photos = models.ManyToManyField(
        "inspections.Photo", verbose_name=_("photos"), blank=True, related_name="task_events"
    )
    unit = models.ForeignKey(
        "geo.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The unit responsible after this move."),
    )
    due_at = models.DateTimeField(_("deadline after the move"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("task event")
        verbose_name_plural = _("task events")

    def __str__(self) -> str:
        from inspections.rectification.workflow import action_label  # the move table imports the models

        return f"{action_label(self.action)}: {self.get_from_status_display() or '–'} → {self.get_to_status_display()}"
