"""Briefings: `briefing_docx`, the Word briefing of a phase with 200 before/after photo pairs, in seconds and in
peak memory (MiB).

Ours: what a briefing's build does for its DOCX (``inspections.reporting.briefings``): the content read from the
database, the static map drawn, the document written to a temporary file with each photo's display copy read,
decoded at reduced scale and added as a small JPEG, one at a time. Baseline ``naive_full_size``: the same content
and map, the display copies all read into a list first and added to the document as they are (the obvious way).

Data (synthetic and labelled so, on the benchmark world of ``synthetic``): a campaign phase of its own with 200
closed tasks at hotspots of the world, each finding with one before and one after photo whose display copies are
distinct 2048 × 1536 camera-like JPEGs (about 0.4–0.6 MB each, written once to the media storage under
``bench-briefings/``). The rows are written directly (not through the evidence services: the photos are not what
is measured) and reused while the ``briefings`` marker in ``bench_meta`` matches.

Peak memory is measured in a fresh subprocess per call (``--child``): the resident high-water mark (VmHWM) of the
whole process after the build, and its rise over the resident size once Django, geopandas, matplotlib and
python-docx are imported (VmHWM reset through /proc/self/clear_refs). Not tracemalloc: Pillow and libxml2 allocate
outside Python's allocator. Target: whole-process peak ≤ 300 MiB.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import BENCH_DIR, Context, Issue, Measurement, read_marker, register, write_marker

PAIRS = 200
GENERATOR_VERSION = 1
PEAK_TARGET_MIB = 300.0
CAMPAIGN = "基准通报 (synthetic benchmark)"
PHOTO_SIZE = (2048, 1536)


# ---------------------------------------------------------------- data


def _photo(seed: int) -> bytes:
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    width, height = PHOTO_SIZE
    image = Image.fromarray(rng.integers(30, 225, (6, 8, 3), dtype=np.uint8)).resize(
        PHOTO_SIZE, Image.Resampling.BICUBIC
    )
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x0, y0 = rng.uniform(0, width), rng.uniform(0, height)
        box = (x0, y0, x0 + rng.uniform(40, 600), y0 + rng.uniform(40, 400))
        draw.rectangle(box, fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    noise = rng.normal(0, 9, (height, width, 3)).astype(np.int16)
    pixels = (np.asarray(image, dtype=np.int16) + noise).clip(0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=88)
    return out.getvalue()


def ensure_briefing_data(ctx: Context) -> dict:
    """The phase, its viewer and 200 closed tasks with photo pairs; reused while the marker matches."""
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from benchmarks.synthetic import CODE_PREFIX
    from geo.models import COMMUNITY_LEVEL, Hotspot, Jurisdiction
    from inspections.evidence.problem_types import ensure_default_problem_types
    from inspections.models import (
        Campaign,
        Finding,
        Inspection,
        Phase,
        PhaseKind,
        Photo,
        PhotoFile,
        PhotoRole,
        ProblemType,
        Task,
        TaskStatus,
    )

    ds = ctx.ensure_geo_data()
    wanted = {"geo": ds.params.key(), "pairs": PAIRS, "version": GENERATOR_VERSION}
    marker = read_marker("briefings")
    if not ctx.refresh and marker and marker.get("key") == wanted and Phase.objects.filter(pk=marker["phase"]).exists():
        ctx.log(f"briefing data present ({PAIRS} photo pairs)")
        return marker
    ctx.log(f"writing {PAIRS} closed tasks with before/after photos for the briefing benchmark …")
    started = time.perf_counter()
    ensure_default_problem_types()
    types = list(ProblemType.objects.filter(active=True))
    area = Jurisdiction.objects.filter(code__startswith=CODE_PREFIX, level=1).order_by("code").first()
    viewer, _ = User.objects.get_or_create(
        username="bench_briefing_manager", defaults={"role": Role.MANAGER, "jurisdiction": area}
    )
    hotspots = list(
        Hotspot.objects.filter(jurisdiction__code__startswith=area.code, sponsoring_unit__isnull=False)
        .select_related("jurisdiction")
        .order_by("pk")[:PAIRS]
    )
    communities = Jurisdiction.objects.filter(level=COMMUNITY_LEVEL, code__startswith=area.code).count()
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        Campaign.objects.filter(name=CAMPAIGN).delete()
        campaign = Campaign.objects.create(
            name=CAMPAIGN, starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=30)
        )
        phase = Phase.objects.create(
            campaign=campaign,
            kind=PhaseKind.MOCK_EVALUATION,
            starts_on=today - dt.timedelta(days=20),
            ends_on=today + dt.timedelta(days=10),
        )
        for index in range(PAIRS):
            hotspot = hotspots[index % len(hotspots)]
            point = hotspot.geometry.point_on_surface if hotspot.geometry.geom_type != "Point" else hotspot.geometry
            when = now - dt.timedelta(days=5, minutes=index)
            inspection = Inspection.objects.create(
                inspector=viewer,
                hotspot=hotspot,
                phase=phase,
                jurisdiction=hotspot.jurisdiction,
                location=point,
                started_at=when,
                deduction=float(index % 7),
            )
            finding = Finding.objects.create(
                inspection=inspection,
                problem_type=types[index % len(types)],
                severity="minor",
                location=point,
                jurisdiction=hotspot.jurisdiction,
                routed_unit=hotspot.sponsoring_unit,
                routing_rule="hotspot",
                is_open=False,
                created_by=viewer,
                created_at=when,
            )
            Task.objects.create(
                finding=finding,
                hotspot=hotspot,
                location=point,
                jurisdiction=hotspot.jurisdiction,
                unit=hotspot.sponsoring_unit,
                status=TaskStatus.CLOSED,
                due_at=when + dt.timedelta(days=3),
                registered_at=when,
                dispatched_at=when,
                submitted_at=when + dt.timedelta(days=1),
                verified_at=when + dt.timedelta(days=2),
                closed_at=when + dt.timedelta(days=2),
            )
            for role, seed in ((PhotoRole.BEFORE, 2 * index), (PhotoRole.AFTER, 2 * index + 1)):
                data = _photo(seed + 1000 * GENERATOR_VERSION)
                digest = hashlib.sha256(data).hexdigest()
                name = f"bench-briefings/{digest}.jpg"
                if not default_storage.exists(name):
                    default_storage.save(name, ContentFile(data))
                stored, _ = PhotoFile.objects.get_or_create(
                    sha256=digest,
                    defaults={
                        "original": name,
                        "mime_type": "image/jpeg",
                        "size": len(data),
                        "width": PHOTO_SIZE[0],
                        "height": PHOTO_SIZE[1],
                        "phash": int(digest[:15], 16),
                    },
                )
                Photo.objects.create(
                    inspection=inspection,
                    finding=finding,
                    role=role,
                    file=stored,
                    display=name,
                    thumbnail=name,
                    uploaded_by=viewer,
                )
    marker = {
        "key": wanted,
        "phase": phase.pk,
        "viewer": viewer.pk,
        "start": (today - dt.timedelta(days=7)).isoformat(),
        "end": today.isoformat(),
        "communities": communities,
    }
    write_marker("briefings", marker)
    ctx.log(f"briefing data written in {time.perf_counter() - started:.1f} s")
    return marker


# ---------------------------------------------------------------- the contenders


def _content(data: dict):
    import datetime as dt

    from accounts.models import User
    from inspections.models import Phase
    from inspections.reporting.briefings.content import briefing_content
    from inspections.reporting.metrics import Period

    viewer = User.objects.get(pk=data["viewer"])
    phase = Phase.objects.select_related("campaign").get(pk=data["phase"])
    period = Period(dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"]))
    return viewer, briefing_content(viewer=viewer, scope=viewer.jurisdiction, phase=phase, period=period)


def _map(viewer, content) -> io.BytesIO:
    from inspections.reporting.briefings.content import phase_findings
    from inspections.reporting.briefings.map_image import map_data, render_map

    scope = viewer.jurisdiction
    findings = phase_findings(viewer, scope, content.phase, content.period)
    png = io.BytesIO()
    scores = {row.key: row.score for row in content.communities}
    render_map(map_data(scope=scope, findings=findings, scores=scores), png, title=str(content.phase))
    png.seek(0)
    return png


def ours(data: dict) -> int:
    """The briefing's DOCX as the build writes it; returns its size in bytes."""
    from inspections.reporting.briefings.docx import write_docx

    viewer, content = _content(data)
    with tempfile.TemporaryFile() as out:
        write_docx(content, out, map_png=_map(viewer, content))
        return out.tell()


def naive_full_size(data: dict) -> int:
    """The same document with every display copy read first and inserted at full size."""
    from django.core.files.storage import default_storage
    from docx import Document
    from docx.shared import Cm

    from inspections.reporting.briefings.docx import add_table  # the same tables: only the photos differ
    from inspections.reporting.briefings.tables import all_tables

    viewer, content = _content(data)
    map_png = _map(viewer, content)
    images = []
    for pair in content.photo_pairs:
        for name in (pair.before_display, pair.after_display):
            with default_storage.open(name, "rb") as stored:
                images.append(stored.read())
    document = Document()
    for table in all_tables(content):
        add_table(document, table)
    document.add_picture(map_png, width=Cm(16))
    for image in images:
        document.add_picture(io.BytesIO(image), width=Cm(7.8))
    with tempfile.TemporaryFile() as out:
        document.save(out)
        return out.tell()


CONTENDERS = {"ours": ours, "naive_full_size": naive_full_size}


# ---------------------------------------------------------------- peak memory in a child process


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def child(contender: str, data: dict) -> dict:
    import docx  # noqa: F401  (imported before the baseline is read)
    import geopandas  # noqa: F401
    import matplotlib  # noqa: F401

    import inspections.reporting.briefings.docx  # noqa: F401
    from inspections.reporting.briefings.map_image import cjk_font

    cjk_font()
    base_kib = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    started = time.perf_counter()
    size = CONTENDERS[contender](data)
    seconds = time.perf_counter() - started
    peak_kib = _status_kib("VmHWM")
    return {
        "seconds": seconds,
        "peak_mib": peak_kib / 1024,
        "rise_mib": (peak_kib - base_kib) / 1024,
        "bytes": size,
    }


def measure_in_child(contender: str, data: dict) -> dict:
    env = {**os.environ, "PYTHONPATH": str(BENCH_DIR.parent)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_briefings", "--child", contender, json.dumps(data)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=BENCH_DIR.parent,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the measurements


@register("briefing_docx", order=60)
def briefing_docx(ctx: Context) -> Measurement:
    state: dict = {}

    def setup():
        state["data"] = ensure_briefing_data(ctx)
        import inspections.reporting.briefings.docx  # noqa: F401
        from inspections.reporting.briefings.map_image import cjk_font

        cjk_font()

    def check(last: dict) -> list[Issue]:
        issues = []
        if not last["ours"] or not last["naive_full_size"]:
            issues.append(Issue("error", "briefing_docx", "a contender wrote an empty document"))
        return issues

    return Measurement(
        name="briefing_docx",
        unit="s",
        n=1,
        scale=1.0,
        ours=lambda: ours(state["data"]),
        baselines={"naive_full_size": lambda: naive_full_size(state["data"])},
        setup=setup,
        check=check,
        repeats=3,
        warmup=0,  # a round takes tens of seconds; the first one's imports are paid before it by setup
        notes=[f"{PAIRS} photo pairs (display copies {PHOTO_SIZE[0]} × {PHOTO_SIZE[1]}); content, map and DOCX"],
    )


@register("briefing_docx_peak", order=61)
def briefing_docx_peak(ctx: Context) -> Measurement:
    state: dict = {}

    def setup():
        state["data"] = ensure_briefing_data(ctx)

    def peak(contender: str) -> float:
        result = measure_in_child(contender, state["data"])
        ctx.log(
            f"{contender}: {result['seconds']:.1f} s, peak {result['peak_mib']:.0f} MiB "
            f"(+{result['rise_mib']:.0f} MiB over the imports), {result['bytes'] / 2**20:.1f} MiB written"
        )
        return result["peak_mib"]

    return Measurement(
        name="briefing_docx_peak",
        unit="MiB",
        n=1,
        scale=1.0,
        measures="result",
        ours=lambda: peak("ours"),
        baselines={"naive_full_size": lambda: peak("naive_full_size")},
        setup=setup,
        repeats=3,
        warmup=0,
        target=PEAK_TARGET_MIB,
        notes=["whole-process resident high-water mark of a fresh process building the DOCX"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="A briefing's DOCX, measured in this process (used by the suite).")
    parser.add_argument("--child", choices=sorted(CONTENDERS), required=True)
    parser.add_argument("data", help="the benchmark data's marker, as JSON")
    args = parser.parse_args()
    from benchmarks.harness import configure_django

    configure_django()
    print(json.dumps(child(args.child, json.loads(args.data))))


if __name__ == "__main__":
    main()
