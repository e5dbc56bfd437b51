import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PhotoRole(models.TextChoices):
    BEFORE = "before", _("Before (the problem)")
    AFTER = "after", _("After (the fix)")


class PhotoFile(models.Model):
    """An original photo file, stored once however often it is uploaded (keyed by its sha256)."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    original = models.FileField(_("original"), upload_to="photos/original/%Y/%m/")
    mime_type = models.CharField(_("type"), max_length=32)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    phash = models.BigIntegerField(_("perceptual hash"), db_index=True)
    exif_point = models.PointField(_("EXIF position"), srid=4326, null=True, blank=True)
    exif_altitude = models.FloatField(_("EXIF altitude (m)"), null=True, blank=True)
    exif_taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)
    exif_make = models.CharField(_("camera make"), max_length=64, blank=True)
    exif_model = models.CharField(_("camera model"), max_length=64, blank=True)
    exif_orientation = models.PositiveSmallIntegerField(_("EXIF orientation"), null=True, blank=True)
    created_at = models.DateTimeField(_("stored"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("photo file")
        verbose_name_plural = _("photo files")

    def __str__(self) -> str:
        return self.sha256[:12]


class Photo(models.Model):
    """A photo attached to a finding as evidence, with its display copy, thumbnail and checks."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    inspection = models.ForeignKey(
        "inspections.Inspection", verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="photos"
    )
    finding = models.ForeignKey(
        "inspections.Finding",
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        help_text=_("Empty for a photo of the inspection itself, e.g. the answer to a checklist's photo question."),
    )
    role = models.CharField(_("role"), max_length=8, choices=PhotoRole.choices, default=PhotoRole.BEFORE)
    file = models.ForeignKey(PhotoFile, verbose_name=_("file"), on_delete=models.PROTECT, related_name="photos")
    display = models.FileField(_("display copy"), upload_to="photos/display/%Y/%m/")
    thumbnail = models.FileField(_("thumbnail"), upload_to="photos/thumbnail/%Y/%m/")
    device_position = models.PointField(
        _("device position at capture"),
        srid=4326,
        null=True,
        blank=True,
        help_text=_("Where the tablet said it was when the photo was taken; used when the photo has no GPS."),
    )
    device_accuracy_m = models.FloatField(_("device position accuracy (m)"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="photos"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finding__isnull=False) | models.Q(role="before"),
                name="inspections_photo_after_needs_finding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.file}"


class FlagCode(models.TextChoices):
    NO_GPS = "no_gps", _("No GPS position in the photo")
    FAR_FROM_FINDING = "far_from_finding", _("Taken far from the finding")
    TAKEN_LONG_BEFORE = "taken_long_before", _("Taken long before the upload")
    CLOCK_AHEAD = "clock_ahead", _("Camera clock ahead of the upload time")
    POOR_ACCURACY = "poor_accuracy", _("Poor device position accuracy")
    REUSED_EVIDENCE = "reused_evidence", _("Same or nearly the same photo as on another finding")


class PhotoFlag(models.Model):
    """A check a photo failed, with the number seen and the threshold; shown to managers, never blocking."""

    photo = models.ForeignKey(Photo, verbose_name=_("photo"), on_delete=models.CASCADE, related_name="flags")
    code = models.CharField(_("check"), max_length=24, choices=FlagCode.choices)
    value = models.FloatField(_("value seen"), null=True, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=8, blank=True)
    other_photo = models.ForeignKey(
        Photo, verbose_name=_("other photo"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["photo", "code"]
        verbose_name = _("photo check")
        verbose_name_plural = _("photo checks")
        constraints = [models.UniqueConstraint(fields=["photo", "code"], name="inspections_photoflag_unique_code")]

    def __str__(self) -> str:
        return self.get_code_display()
