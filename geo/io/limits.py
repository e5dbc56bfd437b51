"""Bounds on what an import accepts: the upload's size, and a zip's uncompressed size and compression ratio (a zip
bomb unpacks to gigabytes from a few kilobytes)."""

import zipfile
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from geo.io.errors import ImportRefused

MAX_RATIO = 200  # uncompressed / compressed; real shapefiles and KMZ stay far below


def max_upload_bytes() -> int:
    return getattr(settings, "GIS_IMPORT_MAX_BYTES", 200 * 1024 * 1024)


def max_unpacked_bytes() -> int:
    return getattr(settings, "GIS_IMPORT_MAX_UNPACKED_BYTES", 1024 * 1024 * 1024)


def check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > max_upload_bytes():
        raise ImportRefused(
            _("The file is %(size)s; at most %(limit)s can be imported at once. Split it, or use the command line.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_upload_bytes())}
        )


def check_zip(path: Path) -> list[str]:
    """The names of the members, once the zip is known not to unpack past the bounds."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise ImportRefused(_("The file is not a readable zip archive.")) from None
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > max_unpacked_bytes() or unpacked / packed > MAX_RATIO:
        raise ImportRefused(
            _(
                "The zip unpacks to %(size)s (%(ratio).0f times its size): refused as a possible zip bomb. At most "
                "%(limit)s and %(max_ratio)d times."
            )
            % {
                "size": filesizeformat(unpacked),
                "ratio": unpacked / packed,
                "limit": filesizeformat(max_unpacked_bytes()),
                "max_ratio": MAX_RATIO,
            }
        )
    return [member.filename for member in members if not member.is_dir()]
