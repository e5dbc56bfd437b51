"""One photo at a time for a briefing: a stored display copy read from storage, decoded at a reduced scale (JPEG
draft mode) and re-encoded small, so that a briefing of hundreds of photos never decodes a full-size image."""

import io

from django.core.files.storage import default_storage
from PIL import Image

QUALITY = 80


def downscaled_jpeg(name: str, max_side: int) -> io.BytesIO:
    """The stored image ``name`` as a JPEG whose longer side is at most ``max_side`` pixels."""
    with default_storage.open(name, "rb") as stored, Image.open(stored) as image:
        image.draft("RGB", (max_side, max_side))
        image = image.convert("RGB")
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=QUALITY, optimize=True)
    out.seek(0)
    return out
