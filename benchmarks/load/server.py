"""The server under load, started on a free loopback port, on a fresh database with the demo data.

- spatialite: what `make run` serves: `manage.py runserver` with config.settings.local on a new SpatiaLite file,
  migrated, the demo loaded;
- postgis: gunicorn as in the README's deployment (4 workers, config.wsgi) with config.settings.production on the
  PostgreSQL database `wenming_load`, dropped and created for the run (HTTPS redirect off: plain loopback).

The environment the server runs with is also the one this process sets up Django with, to check the database.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
POSTGIS_URL = "postgis://postgres@127.0.0.1:5432/wenming_load"
GUNICORN_WORKERS = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(target: str, workdir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {
        "VAR_DIR": str(workdir),
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(REPO / "var" / "static"),
        "DEBUG": "",
        "LOG_LEVEL": "WARNING",
    }
    if target == "spatialite":
        env.update(DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="true")
        env["DATABASE_URL"] = database_url or f"spatialite:///{workdir / 'wenming.sqlite3'}"
    else:
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DATABASE_URL=database_url or POSTGIS_URL,
            SECRET_KEY=secrets.token_urlsafe(48),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            STATIC_ROOT=str(workdir / "static"),
        )
    return env


def _maintenance(database_url: str):
    import psycopg

    parts = urlsplit(database_url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


def recreate_database(database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    if "load" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: the load run's database name must contain 'load'.")
    with _maintenance(database_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    name = urlsplit(database_url).path.lstrip("/")
    with _maintenance(database_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Server:
    """`with Server(target) as server:` prepares the database, serves, and stops and cleans up afterwards."""

    def __init__(self, target: str, *, database_url: str | None = None, keep: bool = False, log=print):
        self.target = target
        self.keep = keep
        self.log = log
        self.workdir = Path(tempfile.mkdtemp(prefix=f"wenming-load-{target}-"))
        self.env = {**os.environ, **environment(target, self.workdir, database_url)}
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.server_log = self.workdir / "server.log"

    def manage(self, *args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=self.env, check=True)

    def __enter__(self) -> Server:
        started = time.monotonic()
        if self.target == "postgis":
            recreate_database(self.env["DATABASE_URL"])
            self.manage("collectstatic", "--noinput", "-v", "0")
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("load_demo")
        self.log(f"database ready in {time.monotonic() - started:.0f} s ({self.env['DATABASE_URL']})")
        if self.target == "spatialite":
            command = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"]
        else:
            command = [
                PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(GUNICORN_WORKERS), "--timeout", "120",
            ]  # fmt: skip
        with open(self.server_log, "wb") as out:
            self.process = subprocess.Popen(command, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        self._wait_until_up()
        self.log(f"serving {self.base_url} ({' '.join(command[1:3])}); log {self.server_log}")
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"The server stopped at start; see {self.server_log}")
            with contextlib.suppress(requests.RequestException):
                requests.get(self.base_url + "/api/", timeout=2)
                return
            time.sleep(0.3)
        raise SystemExit(f"The server did not answer within 60 s; see {self.server_log}")

    def server_errors_logged(self) -> list[str]:
        """Tracebacks the server wrote (a 500 answers with one in the log)."""
        try:
            text = self.server_log.read_text(errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if line.startswith("Traceback") or "Error" in line[:80]][:20]

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if not self.keep:
            if self.target == "postgis":
                drop_database(self.env["DATABASE_URL"])
            shutil.rmtree(self.workdir, ignore_errors=True)
