"""What an instance holds, in a form two instances can be compared by: the tables with their row counts and a
digest of their rows, and the media files with their sizes and sha256."""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.files.storage import FileSystemStorage, storages

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Table:
    name: str
    pk: str


def tables() -> list[Table]:
    """Every table of an installed, managed model (many-to-many tables included) and the migration records."""
    found = {"django_migrations": "id"}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy:
            found.setdefault(meta.db_table, meta.pk.column)
    return [Table(name, pk) for name, pk in sorted(found.items())]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def media_root() -> Path | None:
    """The folder of the default storage, or None when it is not on this machine's disk (S3 and the like)."""
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        return None
    return Path(storage.location)


def media_files(root: Path) -> list[tuple[str, Path]]:
    """Every regular file under `root` as (POSIX path relative to root, path), sorted; symbolic links are skipped
    (a storage never makes them, and following one could leave the folder)."""
    found = []
    if not root.is_dir():
        return found
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def media_inventory(root: Path) -> dict[str, dict]:
    return {name: {"size": path.stat().st_size, "sha256": sha256_file(path)} for name, path in media_files(root)}
