"""The figures of a load run: a table on the console and a JSON file under benchmarks/results/."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from benchmarks.load.tablets import KINDS

RESULTS_DIR = Path(__file__).resolve().parents[1] / "results"


def table(result: dict) -> str:
    lines = [
        f"## Load: {result['tablets']} tablets × {result['duration_s']} s on {result['target']} "
        f"(replays {result['replay_rate']:.0%}, cut connections {result['cut_rate']:.0%})",
        "",
        "| items | sent | stored | lost | duplicated | not confirmed |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    audit = result["audit"]
    for kind in (*KINDS, "total"):
        row = audit["total"] if kind == "total" else audit["kinds"][kind]
        cells = [kind] + [str(row[key]) for key in ("sent", "stored", "lost", "duplicated", "not_confirmed")]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "| endpoint | requests | p50 ms | p95 ms | max ms | 5xx | cut | statuses |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, row in result["endpoints"].items():
        statuses = " ".join(f"{k}×{v}" for k, v in row["statuses"].items())
        lines.append(
            f"| {label} | {row['requests']} | {row['p50_ms']} | {row['p95_ms']} | {row['max_ms']} | {row['5xx']} "
            f"| {row['cut']} | {statuses} |"
        )
    lines += [
        "",
        f"5xx: {result['5xx']} (503: {result['503']}; tablets waited {result['waits']['waited_for_503_s']} s "
        f"over {result['waits']['retries_after_503']} Retry-After answers) · refused items: {len(result['refused'])} · "
        f"replays: {result['replays']} · replays not answered as such: {len(result['surprises'])} · "
        f"tablets stopped before their outbox was empty: {result['gave_up']}",
        "",
        "VERDICT: " + ("PASS" if passed(result) else "FAIL") + " (target: 0 lost, 0 duplicated, 0 5xx)",
    ]
    return "\n".join(lines)


def passed(result: dict) -> bool:
    total = result["audit"]["total"]
    return total["lost"] == 0 and total["duplicated"] == 0 and result["5xx"] == 0


def write(result: dict, path: Path | None = None) -> Path:
    path = path or RESULTS_DIR / f"load-{result['target']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    result = {
        **result,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load": os.getloadavg()},
    }
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return path
