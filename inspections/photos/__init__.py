"""Photo evidence processing: type sniffing, limits, EXIF, upright watermarked derivatives, hashes.

Pure Python on Pillow (+ pillow-heif); no database. Entry point: `process_photo`.
"""

from .derivatives import DISPLAY_MAX_SIDE, THUMBNAIL_MAX_SIDE
from .exif import ExifData, parse_exif, read_exif
from .hashes import NEAR_DUPLICATE_DISTANCE, hamming_distance, is_near_duplicate, phash, sha256_of, to_signed64
from .limits import Limits, PhotoRejected, RejectionCode
from .pipeline import DEFAULT_LIMITS, ProcessedPhoto, process_photo
from .sniff import ImageFormat, Sniffed, sniff
from .watermark import EvidenceStamp, FontUnavailable, Watermark, format_position

__all__ = [
    "DEFAULT_LIMITS",
    "DISPLAY_MAX_SIDE",
    "NEAR_DUPLICATE_DISTANCE",
    "THUMBNAIL_MAX_SIDE",
    "EvidenceStamp",
    "ExifData",
    "FontUnavailable",
    "ImageFormat",
    "Limits",
    "PhotoRejected",
    "ProcessedPhoto",
    "RejectionCode",
    "Sniffed",
    "Watermark",
    "format_position",
    "hamming_distance",
    "is_near_duplicate",
    "parse_exif",
    "phash",
    "process_photo",
    "read_exif",
    "sha256_of",
    "sniff",
    "to_signed64",
]
