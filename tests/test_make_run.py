"""`make run` from the top: a fresh SpatiaLite database under a new VAR_DIR, the demo loaded, the server answering."""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        "postgis" in os.environ.get("DATABASE_URL", ""), reason="make run is the embedded SpatiaLite set-up"
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"make run exited with {process.returncode}")
        try:
            requests.get(url, timeout=2, allow_redirects=False)
            return
        except requests.ConnectionError:
            time.sleep(0.5)
    raise AssertionError(f"nothing answered on {url} within {seconds} s")


def test_make_run_serves_the_demo_with_the_admin_map(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"VAR_DIR": str(tmp_path / "var"), "HOST": "127.0.0.1", "PORT": str(port), "MAP_TILES_URL": ""})
    log = tmp_path / "make-run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/", process)
        home = requests.get(f"{base}/", allow_redirects=False, timeout=10)
        assert home.status_code == 302 and "/accounts/login/" in home.headers["Location"]

        session = requests.Session()
        login_page = session.get(f"{base}/accounts/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
        signed_in = session.post(
            f"{base}/accounts/login/",
            data={"username": "admin", "password": "wenming2026", "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=10,
        )
        assert signed_in.status_code == 200 and "admin" in signed_in.text

        hotspots = session.get(f"{base}/admin/geo/hotspot/", timeout=10)
        first = re.search(r'href="(/admin/geo/hotspot/\d+/change/)', hotspots.text).group(1)
        change = session.get(f"{base}{first}", timeout=10)
        assert change.status_code == 200
        assert "leaflet" in change.text and 'id="id_geometry' in change.text
        assert session.get(f"{base}/static/leaflet/leaflet.js", timeout=10).status_code == 200

        printed = log.read_text()
        assert "wenming2026" in printed and "inspector" in printed
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_without_root_missing_packages_stop_with_the_command_to_run():
    # A world-readable copy of the Makefile: the checkout itself may not be readable by an unprivileged user.
    folder = Path(tempfile.mkdtemp(prefix="wenming-make-"))
    try:
        folder.chmod(0o755)
        shutil.copy(ROOT / "Makefile", folder / "Makefile")
        (folder / "Makefile").chmod(0o644)
        result = subprocess.run(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "make",
                "-s",
                "system",
                "APT_RUN=gdal-bin wenming-missing-package",
            ],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        shutil.rmtree(folder)
    assert result.returncode != 0
    assert "sudo apt-get update && sudo apt-get install -y wenming-missing-package" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
