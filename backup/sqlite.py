"""The embedded SpatiaLite database: copied and restored with SQLite's online backup API.

The backup API reads one consistent snapshot while the app goes on writing (WAL readers never block writers), and
writes the destination in one transaction: restoring into the configured file replaces all of it or nothing,
and leaves no stale `-wal` file to be replayed over it, as copying or renaming files could."""

import hashlib
import sqlite3
import time
from pathlib import Path

from django.db import connections
from django.utils.translation import gettext as _

from backup.errors import BackupError
from backup.inventory import Table

FILE_NAME = "database.sqlite3"


def _connect(name: str, timeout: float = 20) -> sqlite3.Connection:
    # The test database is a shared in-memory URI; a deployment's is a path.
    return sqlite3.connect(name, timeout=timeout, uri=name.startswith("file:"))


class _Busy(Exception):
    pass


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, timeout: float) -> None:
    """source.backup(target) in one step, giving up after `timeout` seconds of the other side being locked
    (Python's own loop retries for ever, e.g. while the app holds a write on the database being restored)."""
    deadline = time.monotonic() + timeout

    def progress(status, remaining, total):
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise _Busy

    try:
        source.backup(target, progress=progress, sleep=0.05)
    except _Busy as error:
        raise sqlite3.OperationalError("database is locked") from error


def _timeout() -> float:
    return float(_settings().get("OPTIONS", {}).get("timeout", 20))


def _settings() -> dict:
    return connections["default"].settings_dict


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_inventory(connection: sqlite3.Connection, tables: list[Table]) -> dict[str, dict]:
    """Row count and a sha256 of the rows in primary-key order, per table present. Read with plain sqlite3 (no
    type converters), so the digest is of the stored values themselves, geometry blobs included."""
    present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    found = {}
    for table in tables:
        if table.name not in present:
            continue
        digest = hashlib.sha256()
        rows = 0
        for row in connection.execute(f"SELECT * FROM {_quote(table.name)} ORDER BY {_quote(table.pk)}"):
            digest.update(repr(row).encode())
            rows += 1
        found[table.name] = {"rows": rows, "digest": digest.hexdigest()}
    return found


def applied_migrations(connection: sqlite3.Connection) -> list[list[str]]:
    try:
        return [list(row) for row in connection.execute("SELECT app, name FROM django_migrations ORDER BY id")]
    except sqlite3.OperationalError:
        return []


def dump(target: Path, tables: list[Table]) -> dict:
    """Copy the live database into `target`; the copy's tables and migrations (read from the copy itself, so they
    describe exactly what was saved)."""
    source = _connect(_settings()["NAME"], timeout=_timeout())
    copy = sqlite3.connect(target)
    try:
        _copy(source, copy, _timeout())
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        return {"tables": table_inventory(copy, tables), "migrations": applied_migrations(copy)}
    except sqlite3.Error as error:
        raise BackupError(_("Could not copy the SQLite database: %(error)s") % {"error": error}) from error
    finally:
        copy.close()
        source.close()


def read_archived(path: Path, tables: list[Table]) -> dict:
    """The tables and migrations of an archived copy (to check it before it replaces anything)."""
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        copy.execute("PRAGMA quick_check").fetchall()
        return {"tables": table_inventory(copy, tables), "migrations": applied_migrations(copy)}
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("The archived database is not a readable SQLite file (%(error)s); nothing was restored.")
            % {"error": error}
        ) from error
    finally:
        copy.close()


def restore(source_path: Path) -> None:
    """Replace the configured database by the archived copy, in one transaction."""
    connections.close_all()
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = _connect(_settings()["NAME"], timeout=_timeout())
    try:
        _copy(source, target, _timeout())
    except sqlite3.Error as error:
        raise BackupError(
            _("Could not write the SQLite database (%(error)s); it was left as it was.") % {"error": error}
        ) from error
    finally:
        target.close()
        source.close()


def live_inventory(tables: list[Table]) -> dict:
    connection = _connect(_settings()["NAME"])
    try:
        return {"tables": table_inventory(connection, tables), "migrations": applied_migrations(connection)}
    finally:
        connection.close()


def describe() -> dict:
    return {"vendor": "sqlite", "file": FILE_NAME, "sqlite_version": sqlite3.sqlite_version}
