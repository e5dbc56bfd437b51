"""Photo ingest: `process_photo` on synthetic camera JPEGs of 12, 24 and 50 MP, and its peak memory per photo.

Baselines doing the same job the obvious ways:
- naive_pillow: sha256, full decode, Lanczos to the 2048 px display size, Lanczos from that to the 320 px thumbnail
  (no EXIF, watermark or encoding: strictly less work than ours);
- draft_floor: the JPEG decoded at 1/8 scale and nothing else, the least any JPEG pipeline must pay (entropy
  decoding of the whole file).

The photos (gradients, shapes, texture and sensor noise, about 2.5 bits per pixel at quality 92, EXIF with GPS)
are generated once into a temporary directory and reused.

Peak memory is measured in a fresh subprocess per call: the rise of the resident high-water mark (VmHWM, reset
through /proc/self/clear_refs; ru_maxrss where that is unavailable) over the resident size before the call, after a
warm-up on a small photo has loaded the codecs and the font. Not tracemalloc: Pillow allocates pixel buffers with
plain malloc, outside Python's allocator, so tracemalloc would not see a decoded image at all.

Runs in the suite (`make bench`) or on its own without a database: `python -m benchmarks.photo_ingest [--quick]`.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

from benchmarks.harness import BENCH_DIR, Context, Issue, Measurement, register

GENERATOR_VERSION = 1
PHOTO_DIR = Path(tempfile.gettempdir()) / f"wenming-bench-photos-v{GENERATOR_VERSION}"
SIZES = {"12mp": (4000, 3000), "24mp": (6000, 4000), "50mp": (8640, 5760)}
PHOTOS_PER_SIZE = 2
TIME_TARGETS_MS = {"50mp": 240.0}
PEAK_TARGET_MIB = 40.0
DISPLAY_MAX_SIDE, THUMBNAIL_MAX_SIDE = 2048, 320


# ---------------------------------------------------------------- synthetic photos


def synthetic_photo(width: int, height: int, seed: int, *, noise: float = 6.0, texture: float = 14.0) -> Image.Image:
    """A camera-like picture: smooth colour fields, hard-edged shapes, mid-frequency texture and sensor noise."""
    rng = np.random.default_rng(seed)
    image = Image.fromarray(rng.integers(30, 225, (6, 8, 3), dtype=np.uint8)).resize(
        (width, height), Image.Resampling.BICUBIC
    )
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x0, y0 = rng.uniform(-0.1, 1.0) * width, rng.uniform(-0.1, 1.0) * height
        box = (x0, y0, x0 + rng.uniform(0.02, 0.3) * width, y0 + rng.uniform(0.02, 0.3) * height)
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        match int(rng.integers(0, 3)):
            case 0:
                draw.ellipse(box, fill=colour)
            case 1:
                draw.rectangle(box, fill=colour)
            case _:
                draw.line(box, fill=colour, width=int(rng.integers(2, 30)))
    coarse = rng.standard_normal((height // 4, width // 4), dtype=np.float32) * texture + 128
    grain = Image.fromarray(coarse.clip(0, 255).astype(np.uint8)).resize((width, height), Image.Resampling.BILINEAR)
    texture_map = np.asarray(grain, dtype=np.int16) - 128
    pixels = np.array(image)
    for top in range(0, height, 256):  # in strips: float noise for 50 MP at once would take 600 MB
        rows = slice(top, min(top + 256, height))
        strip = rng.standard_normal((rows.stop - rows.start, width, 3), dtype=np.float32) * noise
        strip += texture_map[rows][..., None]
        strip += pixels[rows]
        pixels[rows] = strip.clip(0, 255)
    return Image.fromarray(pixels)


def camera_exif(seed: int) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SYNTHETIC"
    exif[ExifTags.Base.Model] = "bench camera"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = f"2026:11:25 14:{seed % 60:02d}:00"
    details[ExifTags.Base.OffsetTimeOriginal] = "+08:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLongitudeRef] = "N", "E"
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(39), IFDRational(51), IFDRational(756, 100))
    gps[ExifTags.GPS.GPSLongitude] = (IFDRational(116), IFDRational(13), IFDRational(1740, 100))
    return exif.tobytes()


def photo_path(label: str, seed: int) -> Path:
    return PHOTO_DIR / f"{label}-{seed}.jpg"


def ensure_photo(label: str, seed: int, *, refresh: bool = False, log: Callable[[str], None] = print) -> Path:
    path = photo_path(label, seed)
    if path.exists() and not refresh:
        return path
    width, height = SIZES.get(label, (640, 480))
    log(f"generating {path.name} ({width} × {height}) …")
    PHOTO_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    synthetic_photo(width, height, seed).save(partial, "JPEG", quality=92, exif=camera_exif(seed))
    partial.replace(path)
    return path


def photos(ctx: Context, label: str) -> list[Path]:
    count = 1 if ctx.quick else PHOTOS_PER_SIZE
    return ctx.cached(
        f"photos:{label}:{count}",
        lambda: [ensure_photo(label, seed, refresh=ctx.refresh, log=ctx.log) for seed in range(1, count + 1)],
    )


# ---------------------------------------------------------------- contenders


def _stamp():
    from inspections.photos import EvidenceStamp

    return EvidenceStamp(
        taken_at=datetime(2026, 11, 25, 14, 3),
        latitude=39.85210,
        longitude=116.22150,
        hotspot="宛平城内街摊点",
        inspector="张伟",
    )


def ours(paths: list[Path]) -> list[tuple]:
    from inspections.photos import process_photo

    stamp, results = _stamp(), []
    for path in paths:
        with path.open("rb") as fp:  # a file on disk, as Django hands over uploads above 2.5 MB
            photo = process_photo(fp, watermark=stamp)
        results.append((photo.sha256, photo.display_size, photo.thumbnail_size))
    return results


def naive_pillow(paths: list[Path]) -> list[tuple]:
    results = []
    for path in paths:
        with path.open("rb") as fp:
            digest = hashlib.file_digest(fp, "sha256").hexdigest()
        with Image.open(path) as image:
            image.load()
            display = image.resize(_fit(image.size, DISPLAY_MAX_SIDE), Image.Resampling.LANCZOS)
        thumbnail = display.resize(_fit(display.size, THUMBNAIL_MAX_SIDE), Image.Resampling.LANCZOS)
        results.append((digest, display.size, thumbnail.size))
    return results


def draft_floor(paths: list[Path]) -> list[tuple]:
    results = []
    for path in paths:
        with Image.open(path) as image:
            image.draft("RGB", (image.width // 8, image.height // 8))
            image.load()
            results.append(image.size)
    return results


CONTENDERS: dict[str, Callable[[list[Path]], list]] = {
    "ours": ours,
    "naive_pillow": naive_pillow,
    "draft_floor": draft_floor,
}


def _fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    scale = min(1.0, max_side / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _check(name: str) -> Callable[[dict], list[Issue]]:
    def check(last: dict) -> list[Issue]:
        issues = []
        for (sha, display, thumbnail), (naive_sha, _, _) in zip(last["ours"], last["naive_pillow"], strict=True):
            if sha != naive_sha:
                issues.append(Issue("error", name, f"sha256 differs from hashlib: {sha} vs {naive_sha}"))
            if not 0.95 * DISPLAY_MAX_SIDE <= max(display) <= DISPLAY_MAX_SIDE:
                issues.append(Issue("error", name, f"display copy is {display}, not about {DISPLAY_MAX_SIDE} px"))
            if max(thumbnail) > THUMBNAIL_MAX_SIDE:
                issues.append(Issue("error", name, f"thumbnail is {thumbnail}, over {THUMBNAIL_MAX_SIDE} px"))
        return issues

    return check


# ---------------------------------------------------------------- timing measurements


def _timing(label: str) -> Callable[[Context], Measurement]:
    name = f"photo_ingest_{label}"

    def build(ctx: Context) -> Measurement:
        paths = photos(ctx, label)
        width, height = SIZES[label]
        return Measurement(
            name=name,
            unit="ms",
            n=len(paths),
            scale=1e3,
            ours=lambda: ours(paths),
            baselines={"naive_pillow": lambda: naive_pillow(paths), "draft_floor": lambda: draft_floor(paths)},
            check=_check(name),
            target=TIME_TARGETS_MS.get(label),
            notes=[
                f"per photo, {width} × {height} JPEG of {paths[0].stat().st_size / 1e6:.1f} MB read from disk; ours = "
                "process_photo with a 4-line watermark (sha256, EXIF, display + thumbnail JPEGs, perceptual hash)"
            ],
        )

    return build


for _order, _label in enumerate(SIZES):
    register(f"photo_ingest_{_label}", order=50 + _order)(_timing(_label))


# ---------------------------------------------------------------- peak memory


def peak_mib(contender: str, path: Path) -> float:
    """Peak memory added by one call of `contender` on `path`, measured in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.photo_ingest", "--probe", contender, str(path)],
        cwd=BENCH_DIR.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory probe of {contender} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])["peak_mib"]


@register("photo_ingest_50mp_peak", order=50 + len(SIZES))
def photo_ingest_50mp_peak(ctx: Context) -> Measurement:
    path = photos(ctx, "50mp")[0]
    ensure_photo("warmup", 0, log=ctx.log)
    probes = {contender: (lambda c=contender: peak_mib(c, path)) for contender in CONTENDERS}
    return Measurement(
        name="photo_ingest_50mp_peak",
        unit="MiB",
        n=1,
        scale=1.0,
        measures="result",
        ours=probes.pop("ours"),
        baselines=probes,
        target=PEAK_TARGET_MIB,
        repeats=3,
        warmup=0,
        notes=[
            "per photo: rise of VmHWM over VmRSS in a fresh process after a warm-up on a small photo "
            "(Pillow's pixel buffers are malloc'd, so tracemalloc cannot see them)"
        ],
    )


# ---------------------------------------------------------------- the probe (child side) and a standalone runner


def _probe(contender: str, path: Path) -> dict:
    run = CONTENDERS[contender]
    run([ensure_photo("warmup", 0)])  # codecs, the font, numpy: loaded before the baseline is taken
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current resident size
        method = "VmHWM"
    except OSError:
        method = "ru_maxrss"
    before = _status_kib("VmRSS")
    run([path])
    peak = _status_kib("VmHWM") if method == "VmHWM" else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"peak_mib": (peak - before) / 1024, "method": method}


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _standalone(args: argparse.Namespace) -> int:
    from benchmarks import harness

    harness.configure_django()
    ctx = Context(points=0, repeats=args.repeats, quick=args.quick, seed=0, refresh=args.refresh)
    names = [n for n in harness.REGISTRY if n.startswith("photo_ingest")]
    records, issues = [], []
    for name in names:
        if args.only and name not in args.only:
            continue
        print(f"\n== {name}", flush=True)
        m = harness.REGISTRY[name].builder(ctx)
        got, found = harness.run_measurement(m, args.repeats or m.repeats or (3 if args.quick else 5))
        records += got
        issues += found
        for note in m.notes:
            print(f"  note: {note}")
    print("\n" + harness.markdown(records))
    for issue in issues:
        print(f"\n{issue.level.upper()} [{issue.measurement}]: {issue.message}")
    return 1 if any(i.level == "error" for i in issues) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.photo_ingest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--probe", nargs=2, metavar=("CONTENDER", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--only", action="append", metavar="NAME")
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--refresh", action="store_true", help="regenerate the synthetic photos")
    args = parser.parse_args(argv)
    if args.probe:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        import django

        django.setup()
        print(json.dumps(_probe(args.probe[0], Path(args.probe[1]))))
        return 0
    return _standalone(args)


if __name__ == "__main__":
    sys.exit(main())
