"""How photos are shown, for the pages and the API alike: the URLs of a photo's files (original, display size,
thumbnail) and how a photo flag reads (its check's label, the unit of its value and how many decimals it keeps)."""

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from inspections.models import FlagCode, Photo, PhotoFlag

PHOTO_VARIANTS = ("original", "display", "thumbnail")

FLAG_UNITS = {"m": pgettext_lazy("unit", "m"), "h": pgettext_lazy("unit", "h"), "bits": pgettext_lazy("unit", "bits")}
# Metres and bits read best as whole numbers; hours keep one decimal when they have one.
FLAG_NUMBER_FORMATS = {"m": "0g", "bits": "0g"}


def photo_urls(photo: Photo, request=None) -> dict[str, str]:
    """The photo's files by variant; absolute when a request is given (the API's answers)."""
    urls = {}
    for variant in PHOTO_VARIANTS:
        path = reverse("photo-file", kwargs={"pk": photo.pk, "variant": variant})
        urls[variant] = request.build_absolute_uri(path) if request is not None else path
    return urls


def flag_label(code: str) -> str:
    """A flag's check in words (an audit row keeps only the codes)."""
    return FlagCode(code).label if code in FlagCode.values else code


def present_flag(flag: PhotoFlag) -> PhotoFlag:
    """Gives the flag what includes/photo_flags.html shows: ``unit_label`` and ``number_format``."""
    flag.unit_label = FLAG_UNITS.get(flag.unit, flag.unit)
    flag.number_format = FLAG_NUMBER_FORMATS.get(flag.unit, "-1g")
    return flag
