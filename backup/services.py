"""Backing up an instance into one archive, restoring it, and describing an instance to compare it with one."""

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from django.db import connections
from django.utils.translation import gettext as _

from backup import archive, manifest, postgres, sqlite
from backup.errors import BackupError
from backup.inventory import media_files, media_inventory, media_root, tables


def _engine() -> ModuleType:
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        return sqlite
    if vendor == "postgresql":
        return postgres
    raise BackupError(_("Backups support SpatiaLite and PostGIS, not %(vendor)s.") % {"vendor": vendor})


def _media_root_or_refuse(database_only: bool) -> Path | None:
    if database_only:
        return None
    root = media_root()
    if root is None:
        raise BackupError(
            _(
                "The media storage is not a local folder (S3 or similar): back its files up with the bucket's "
                "versioning or replication, and use --database-only for the database."
            )
        )
    return root


def backup_create(*, path: Path, database_only: bool = False) -> dict:
    """Write the archive at `path`: the database first (its snapshot), then the media files, then the manifest.
    Files uploaded meanwhile may be in the archive without a row; a row of the snapshot always has its file,
    because a file is stored before the row that names it is committed."""
    engine = _engine()
    root = _media_root_or_refuse(database_only)
    writer = archive.ArchiveWriter(path)
    try:
        with tempfile.TemporaryDirectory(prefix="wenming-backup-") as folder:
            dump_path = Path(folder) / engine.FILE_NAME
            snapshot = engine.dump(dump_path, tables())
            database = {**engine.describe(), **writer.add_file(engine.FILE_NAME, dump_path)}
        files = {}
        if root is not None:
            for name, source in media_files(root):
                try:
                    files[name] = writer.add_file(archive.MEDIA_PREFIX + name, source)
                except FileNotFoundError:
                    continue  # removed since it was listed (an abandoned upload purged)
        media = {
            "included": root is not None,
            "root": str(root) if root is not None else None,
            "files": files,
            "bytes": sum(entry["size"] for entry in files.values()),
        }
        document = manifest.build(database=database, snapshot=snapshot, media=media)
        writer.add_bytes(archive.MANIFEST, manifest.dumps(document))
        writer.finish()
    except BaseException:
        writer.abandon()
        raise
    return document


@dataclass
class RestoreReport:
    manifest: dict
    media_restored: bool
    pending_migrations: list[str] = field(default_factory=list)


def _staging_folder(root: Path | None) -> Path:
    # Beside MEDIA_ROOT, so that the restored media replace the old ones by a rename on one file system.
    parent = root.parent if root is not None else None
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    name = f".{root.name}.restore-" if root is not None else "wenming-restore-"
    return Path(tempfile.mkdtemp(prefix=name, dir=parent))


def backup_restore(*, path: Path, database_only: bool = False) -> RestoreReport:
    """Unpack and check everything first (format, vendor, every checksum, the migrations, the database file
    itself); only then replace the database (one transaction) and swap the media folder in; then compare the
    instance with the manifest."""
    engine = _engine()
    root = _media_root_or_refuse(database_only)
    staging = _staging_folder(root)
    try:
        found = archive.extract(path, staging)
        document = manifest.load(staging / archive.MANIFEST)
        manifest.check_vendor(document, connections["default"].vendor)
        manifest.check_files(document, found)
        pending = manifest.check_migrations(document)
        database_file = staging / document["database"]["file"]
        if engine is sqlite:
            sqlite.read_archived(database_file, tables())
        else:
            postgres.check_archived(database_file)
        restore_media = root is not None and document["media"].get("included", False)
        # The media first: a rename that fails leaves everything as it was, and a database restore that fails
        # puts the old media folder back.
        replaced = _swap_media(staging / "media", root, staging / "replaced") if restore_media else None
        try:
            engine.restore(database_file)
        except BaseException:
            if restore_media:
                _swap_media(replaced, root, staging / "media")
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    problems = manifest.differences(
        {**document, "media": document["media"] if restore_media else {}},
        instance_inventory(database_only=not restore_media),
    )
    if problems:
        raise BackupError(
            _("The archive was restored, but the instance differs from its manifest: %(problems)s")
            % {"problems": "; ".join(problems[:20])}
        )
    return RestoreReport(manifest=document, media_restored=restore_media, pending_migrations=pending)


def _swap_media(restored: Path, root: Path, old: Path) -> Path:
    """Put the folder `restored` in the place of `root` (moved to `old`); `old`."""
    restored.mkdir(exist_ok=True)  # an instance without media files yet
    try:
        if root.exists():
            os.rename(root, old)
        os.rename(restored, root)
    except OSError as error:
        if old.exists() and not root.exists():
            os.rename(old, root)
        raise BackupError(
            _(
                "Could not replace the media folder %(root)s (%(error)s): it must be a folder that can be renamed "
                "inside a writable parent folder. Nothing was restored."
            )
            % {"root": root, "error": error}
        ) from error
    return old


def instance_inventory(*, database_only: bool = False) -> dict:
    """The configured instance as a manifest describes it: tables, migrations and (unless told not to) media."""
    found = _engine().live_inventory(tables())
    root = None if database_only else media_root()
    files = media_inventory(root) if root is not None else {}
    found["media"] = {"included": root is not None, "files": files, "bytes": sum(e["size"] for e in files.values())}
    return found
