"""The backup round trip on a throwaway instance: build it (migrations, the demo with its photos), describe it,
back it up, wipe it (database dropped or deleted, media deleted), restore it, describe it again and compare.

    .venv/bin/python -m backup.roundtrip [--work DIR] [--database-url URL] [--keep]

Each step is a `manage.py` command in its own process, as an operator would run them. The database is
`--database-url` (default: a SpatiaLite file in the work folder); a PostGIS database is dropped and made again, so
its name must end with `_test` or `_roundtrip`. Prints the figures as JSON; exits 1 when the instances differ."""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
THROWAWAY_SUFFIXES = ("_test", "_roundtrip")


class RoundTripError(Exception):
    pass


def _manage(env: dict, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RoundTripError(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _maintenance(database: dict) -> psycopg.Connection:
    return psycopg.connect(
        dbname="postgres",
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        autocommit=True,
    )


def drop_postgis(database: dict) -> None:
    with _maintenance(database) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database["NAME"])))


def create_postgis(database: dict) -> None:
    """An empty database with the PostGIS extension, as `createdb` and `CREATE EXTENSION postgis` make it."""
    drop_postgis(database)
    with _maintenance(database) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(database["NAME"])))
    with psycopg.connect(
        dbname=database["NAME"],
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        autocommit=True,
    ) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def _wipe(database: dict, media: Path) -> None:
    if database["ENGINE"].endswith("postgis"):
        create_postgis(database)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(database["NAME"] + suffix).unlink(missing_ok=True)
    shutil.rmtree(media, ignore_errors=True)


def run(work: Path, database_url: str | None = None) -> dict:
    var = work / "var"
    database_url = database_url or f"spatialite:///{var / 'wenming.sqlite3'}"
    database = dj_database_url.parse(database_url)
    postgis = database["ENGINE"].endswith("postgis")
    if postgis and not database["NAME"].endswith(THROWAWAY_SUFFIXES):
        raise RoundTripError(
            f"the round trip drops its database: name it *_test or *_roundtrip, not {database['NAME']}"
        )
    var.mkdir(parents=True, exist_ok=True)
    media = var / "media"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(var),
        "MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(work),
    }
    archive = work / "roundtrip.tar.gz"
    seconds = {}

    def step(name, call):
        started = time.monotonic()
        result = call()
        seconds[name] = round(time.monotonic() - started, 2)
        return result

    try:
        if postgis:
            step("create database", lambda: create_postgis(database))
        step("migrate", lambda: _manage(env, "migrate", "--noinput", "-v", "0"))
        step("load demo", lambda: _manage(env, "load_demo"))
        before = json.loads(step("inventory before", lambda: _manage(env, "backup_inventory")))
        step("backup", lambda: _manage(env, "backup", str(archive)))
        step("wipe", lambda: _wipe(database, media))
        wiped = json.loads(_manage(env, "backup_inventory"))
        step("restore", lambda: _manage(env, "restore", str(archive)))
        after = json.loads(step("inventory after", lambda: _manage(env, "backup_inventory")))
    finally:
        if postgis:
            drop_postgis(database)
    rows = sum(entry["rows"] for entry in before["tables"].values())
    return {
        "vendor": "postgis" if postgis else "spatialite",
        "tables": len(before["tables"]),
        "rows": rows,
        "rows_after_wipe": sum(entry["rows"] for entry in wiped["tables"].values()),
        "media_files": len(before["media"]["files"]),
        "media_bytes": before["media"]["bytes"],
        "media_files_after_wipe": len(wiped["media"]["files"]),
        "media_folders": sorted({name.split("/")[1] for name in after["media"]["files"] if name.startswith("photos/")}),
        "archive_bytes": archive.stat().st_size,
        "seconds": seconds,
        "identical": before == after,
        "differences": _differences(before, after),
        "before": before,
        "after": after,
    }


def _differences(before: dict, after: dict) -> list[str]:
    names = sorted(set(before["tables"]) | set(after["tables"]))
    lines = [f"table {name}" for name in names if before["tables"].get(name) != after["tables"].get(name)]
    files = sorted(set(before["media"]["files"]) | set(after["media"]["files"]))
    lines += [
        f"media {name}" for name in files if before["media"]["files"].get(name) != after["media"]["files"].get(name)
    ]
    if before["migrations"] != after["migrations"]:
        lines.append("migrations")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, help="work folder (default: a new temporary one)")
    parser.add_argument("--database-url", help="the throwaway database (default: SpatiaLite in the work folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (archive, media) afterwards")
    options = parser.parse_args(argv)
    work = options.work or Path(tempfile.mkdtemp(prefix="wenming-roundtrip-"))
    try:
        result = run(work, options.database_url)
    except RoundTripError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    summary = {key: value for key, value in result.items() if key not in {"before", "after"}}
    print(json.dumps(summary, indent=1))
    return 0 if result["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
