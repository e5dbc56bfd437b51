"""The manifest of an archive: what made it, which database, the migrations, per-table row counts and digests,
per-file sizes and sha256; and the checks a restore makes against it."""

import json
import subprocess
import tomllib
from pathlib import Path

import django
from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from backup.errors import BackupError

FORMAT = "wenming-backup"
FORMAT_VERSION = 1
VENDOR_NAMES = {"sqlite": "SpatiaLite", "postgresql": "PostGIS"}


def app_version() -> dict:
    root = Path(settings.BASE_DIR)
    try:
        version = tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = None
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {"version": version, "git_commit": commit or None, "django": django.get_version()}


def build(*, database: dict, snapshot: dict, media: dict) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "app": app_version(),
        "database": database,
        "migrations": snapshot["migrations"],
        "tables": snapshot["tables"],
        "media": media,
    }


def dumps(manifest: dict) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()


def load(path: Path) -> dict:
    """The manifest of an unpacked archive, refused unless it is one this code writes."""
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError as error:
        raise BackupError(
            _("The archive has no manifest: it is incomplete or not a backup; nothing was restored.")
        ) from error
    except (ValueError, OSError) as error:
        raise BackupError(
            _("The archive's manifest cannot be read (%(error)s); nothing was restored.") % {"error": error}
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("This archive is not a backup of this application; nothing was restored."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("This archive has backup format %(found)s; this version reads format %(expected)s. Nothing was restored.")
            % {"found": manifest.get("format_version"), "expected": FORMAT_VERSION}
        )
    return manifest


def check_vendor(manifest: dict, vendor: str) -> None:
    archived = manifest.get("database", {}).get("vendor")
    if archived != vendor:
        raise BackupError(
            _(
                "This archive holds a %(archived)s database but the configured database (DATABASE_URL) is "
                "%(configured)s: restore it into a %(archived)s instance. Nothing was restored."
            )
            % {"archived": VENDOR_NAMES.get(archived, archived), "configured": VENDOR_NAMES.get(vendor, vendor)}
        )


def expected_files(manifest: dict) -> dict[str, dict]:
    database = manifest["database"]
    files = {database["file"]: {"size": database["size"], "sha256": database["sha256"]}}
    for name, entry in manifest["media"].get("files", {}).items():
        files["media/" + name] = entry
    return files


def check_files(manifest: dict, found: dict[str, dict]) -> None:
    """Every file the manifest lists arrived with its size and sha256, and nothing else came."""
    expected = expected_files(manifest)
    found = {name: entry for name, entry in found.items() if name != "manifest.json"}
    missing = sorted(set(expected) - set(found))
    altered = sorted(name for name in set(expected) & set(found) if found[name] != expected[name])
    unlisted = sorted(set(found) - set(expected))
    problems = []
    if missing:
        problems.append(_("missing: %(files)s") % {"files": _names(missing)})
    if altered:
        problems.append(_("altered (checksum differs): %(files)s") % {"files": _names(altered)})
    if unlisted:
        problems.append(_("not in the manifest: %(files)s") % {"files": _names(unlisted)})
    if problems:
        raise BackupError(
            _("The archive does not match its manifest (%(problems)s); nothing was restored.")
            % {"problems": "; ".join(problems)}
        )


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return (
        shown
        if len(names) <= limit
        else _("%(shown)s and %(more)d more") % {"shown": shown, "more": len(names) - limit}
    )


def check_migrations(manifest: dict) -> list[str]:
    """Refuse an archive whose database has migrations this code does not know (made by a newer version); the
    migrations this code has and the archive lacks (run `migrate` after the restore)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    archived = {tuple(item) for item in manifest.get("migrations", [])}
    unknown = sorted(archived - known)
    if unknown:
        commit = manifest.get("app", {}).get("git_commit") or _("unknown")
        raise BackupError(
            _(
                "The archived database has migrations this version of the code does not have (%(names)s): it was "
                "made by a newer version (commit %(commit)s). Install that version first. Nothing was restored."
            )
            % {"names": _names([f"{app}.{name}" for app, name in unknown]), "commit": commit}
        )
    return sorted(f"{app}.{name}" for app, name in known - archived)


def differences(expected: dict, actual: dict) -> list[str]:
    """Where two inventories (tables and media) disagree, one line each."""
    lines = []
    for table, entry in sorted(expected["tables"].items()):
        found = actual["tables"].get(table)
        if found is None:
            lines.append(f"table {table}: missing")
        elif found["rows"] != entry["rows"]:
            lines.append(f"table {table}: {found['rows']} rows, expected {entry['rows']}")
        elif found["digest"] != entry["digest"]:
            lines.append(f"table {table}: same row count, different content")
    if expected.get("media", {}).get("included"):
        want, have = expected["media"]["files"], actual["media"]["files"]
        lines += [f"media {name}: missing" for name in sorted(set(want) - set(have))]
        lines += [
            f"media {name}: checksum differs" for name in sorted(set(want) & set(have)) if want[name] != have[name]
        ]
        lines += [f"media {name}: not in the backup" for name in sorted(set(have) - set(want))]
    return lines
