"""PostGIS: `pg_dump --format=custom` of the configured database, `pg_restore --clean --if-exists --no-owner` into it.

The dump, the row counts and the digests all read one exported snapshot, so they agree however busy the app is.
The restore runs in a single transaction: it replaces everything the dump holds, or fails and changes nothing."""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.db import connections, transaction
from django.utils.translation import gettext as _

from backup.errors import BackupError
from backup.inventory import Table

FILE_NAME = "database.pgdump"
# libpq reads these from the environment; dj-database-url puts sslmode & co. into OPTIONS.
_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def _settings() -> dict:
    return connections["default"].settings_dict


def environment() -> dict[str, str]:
    """The environment that points pg_dump and pg_restore at Django's configured database."""
    settings = _settings()
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[variable] = str(settings[key])
    for option, variable in _OPTION_VARIABLES.items():
        if settings.get("OPTIONS", {}).get(option):
            env[variable] = str(settings["OPTIONS"][option])
    env["PGDATABASE"] = settings["NAME"]
    return env


def _run(arguments: list[str]) -> str:
    program = shutil.which(arguments[0])
    if program is None:
        raise BackupError(
            _("%(program)s is not installed: install postgresql-client-%(major)s (the server's major version).")
            % {"program": arguments[0], "major": server_major()}
        )
    result = subprocess.run([program, *arguments[1:]], env=environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": arguments[0], "error": result.stderr.strip() or f"exit status {result.returncode}"}
        )
    return result.stdout


def server_major() -> int:
    connection = connections["default"]
    connection.ensure_connection()
    return connection.pg_version // 10000


def _client_major(program: str) -> int | None:
    found = shutil.which(program)
    if found is None:
        return None
    match = re.search(r"(\d+)", subprocess.run([found, "--version"], capture_output=True, text=True).stdout)
    return int(match.group(1)) if match else None


def _check_client(program: str) -> None:
    server, client = server_major(), _client_major(program)
    if client is not None and client < server:
        raise BackupError(
            _(
                "%(program)s %(client)d cannot read a PostgreSQL %(server)d server: "
                "install postgresql-client-%(server)d."
            )
            % {"program": program, "client": client, "server": server}
        )


def table_inventory(cursor, tables: list[Table]) -> dict[str, dict]:
    """Row count and an md5 of the rows' text in primary-key order, computed by the server, per table present."""
    quote = connections["default"].ops.quote_name
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    present = {row[0] for row in cursor.fetchall()}
    found = {}
    for table in tables:
        if table.name not in present:
            continue
        cursor.execute(
            f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY t.{quote(table.pk)})), '') "
            f"FROM {quote(table.name)} AS t"
        )
        rows, digest = cursor.fetchone()
        found[table.name] = {"rows": rows, "digest": digest}
    return found


def applied_migrations(cursor) -> list[list[str]]:
    cursor.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return [list(row) for row in cursor.fetchall()]


def dump(target: Path, tables: list[Table]) -> dict:
    _check_client("pg_dump")
    connection = connections["default"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        found = {"tables": table_inventory(cursor, tables), "migrations": applied_migrations(cursor)}
        # pg_dump attaches to the snapshot, which lives as long as this transaction.
        _run(["pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={target}"])
    return found


def check_archived(path: Path) -> None:
    """pg_restore can read the dump's table of contents (a damaged or foreign file fails here, before the restore)."""
    _run(["pg_restore", "--list", str(path)])


def _existing_extensions() -> tuple[set[str], set[str]]:
    """The extensions the database has, and their configuration tables (PostGIS's spatial_ref_sys)."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT c.relname FROM pg_extension e CROSS JOIN LATERAL unnest(e.extconfig) AS config(oid) "
            "JOIN pg_class c ON c.oid = config.oid"
        )
        return extensions, {row[0] for row in cursor.fetchall()}


def restore(source: Path) -> None:
    """The dump's objects dropped and made again in the configured database, in one transaction. Extensions the
    database already has (PostGIS) are left alone with their configuration tables: dropping or filling them needs
    their owner, often not the app's user (so SRIDs added by hand to spatial_ref_sys are not restored)."""
    _check_client("pg_restore")
    extensions, config_tables = _existing_extensions()
    listing = _run(["pg_restore", "--list", str(source)])
    kept_lines = [line for line in listing.splitlines() if not _belongs_to(line, extensions, config_tables)]
    connections.close_all()
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(kept_lines) + "\n")
    try:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--use-list={handle.name}",
                f"--dbname={_settings()['NAME']}",
                str(source),
            ]
        )
    except BackupError as error:
        raise BackupError(_("%(error)s The database was left as it was.") % {"error": error}) from error
    finally:
        os.unlink(handle.name)


def _belongs_to(line: str, extensions: set[str], config_tables: set[str]) -> bool:
    # "3425; 3079 16385 EXTENSION - postgis", "4468; 0 0 COMMENT - EXTENSION postgis",
    # "4308; 0 16703 TABLE DATA public spatial_ref_sys postgres"
    if line.lstrip().startswith(";"):
        return False
    extension = re.search(r"\d+ \d+ (?:EXTENSION - |COMMENT - EXTENSION )(\S+)", line)
    if extension:
        return extension.group(1) in extensions
    data = re.search(r"\d+ \d+ TABLE DATA \S+ (\S+) ", line)
    return bool(data) and data.group(1) in config_tables


def live_inventory(tables: list[Table]) -> dict:
    with transaction.atomic(), connections["default"].cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return {"tables": table_inventory(cursor, tables), "migrations": applied_migrations(cursor)}


def describe() -> dict:
    return {"vendor": "postgresql", "file": FILE_NAME, "server_major": server_major()}
