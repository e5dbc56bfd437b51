"""`scripts/backup_roundtrip.sh` on the database of this test run: the demo data and its photos backed up, wiped,
restored and found identical (rows, table digests, file checksums). PostGIS uses a database of its own, dropped
afterwards: the test database lives inside pytest's transactions."""

import json
import os
import subprocess
from pathlib import Path

import dj_database_url
import pytest

from backup.roundtrip import RoundTripError, run

ROOT = Path(__file__).resolve().parents[2]


def roundtrip_url() -> str:
    """This run's PostGIS server with the database `<name>_roundtrip`, or a SpatiaLite file in the work folder."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgis:", "postgres:", "postgresql:")):
        return ""
    name = dj_database_url.parse(url)["NAME"]
    return url.rsplit("/", 1)[0] + f"/{name}_roundtrip"


@pytest.mark.slow
def test_backup_wipe_restore_gives_back_the_same_instance(tmp_path):
    work = tmp_path / "work"
    arguments = ["--work", str(work)] + (["--database-url", roundtrip_url()] if roundtrip_url() else [])
    finished = subprocess.run(
        [str(ROOT / "scripts" / "backup_roundtrip.sh"), *arguments], capture_output=True, text=True, timeout=1200
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    result = json.loads(finished.stdout)
    assert result["vendor"] == ("postgis" if roundtrip_url() else "spatialite")
    assert result["identical"] and result["differences"] == []
    assert result["rows"] > 1000 and result["media_files"] > 200
    assert result["rows_after_wipe"] == 0 and result["media_files_after_wipe"] == 0
    assert result["media_folders"] == ["display", "original", "thumbnail"]
    assert not work.exists()


def test_the_round_trip_refuses_a_database_it_must_not_drop(tmp_path):
    with pytest.raises(RoundTripError, match=r"name it \*_test or \*_roundtrip, not wenming"):
        run(tmp_path / "work", "postgis://postgres@127.0.0.1:5432/wenming")
    assert not (tmp_path / "work").exists()
