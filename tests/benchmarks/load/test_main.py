"""The load run in small (5 tablets, one a unit member's, × 5 s), end to end, so that it does not rot: its own
server on a fresh demo database of the backend under test, replays and cut connections, and a database that holds
every confirmed item exactly once."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from benchmarks.load.server import REPO

pytestmark = pytest.mark.slow


def test_a_small_run_stores_every_confirmed_item_once(tmp_path):
    output = tmp_path / "load.json"
    command = [sys.executable, "-m", "benchmarks.load", "--tablets", "5", "--duration", "5", "--drain", "60"]
    command += ["--replay-rate", "0.5", "--cut-rate", "0.1", "--think", "0.3", "--output", str(output)]
    if connection.vendor == "postgresql":
        parts = urlsplit(os.environ["DATABASE_URL"])
        database = urlunsplit(parts._replace(path=f"/wenming_load_smoke_{os.getpid()}"))
        command += ["--target", "postgis", "--database-url", database]
    else:
        command += ["--target", "spatialite"]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(Path(output).read_text())
    kinds = result["audit"]["kinds"]
    assert all(kinds[kind]["sent"] > 0 for kind in ("inspection", "finding", "photo", "task_move")), kinds
    assert result["audit"]["total"]["lost"] == 0
    assert result["audit"]["total"]["duplicated"] == 0
    assert result["5xx"] == 0 and result["refused"] == [] and result["surprises"] == []
    assert sum(row["cut"] for row in result["endpoints"].values()) > 0
    assert "| POST /api/sync/ |" in run.stdout and "VERDICT: PASS" in run.stdout
