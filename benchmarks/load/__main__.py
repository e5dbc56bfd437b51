"""`python -m benchmarks.load --target spatialite|postgis --tablets 50 --duration 180` (see benchmarks/README.md)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from benchmarks.load.server import Server


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--target", choices=["spatialite", "postgis"], default="spatialite")
    parser.add_argument("--tablets", type=int, default=50)
    parser.add_argument("--duration", type=float, default=180, help="seconds of new work (then the outboxes drain)")
    parser.add_argument("--drain", type=float, default=120, help="seconds the tablets get to empty their outboxes")
    parser.add_argument("--replay-rate", type=float, default=0.2)
    parser.add_argument("--cut-rate", type=float, default=0.05)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a tablet waits between rounds")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database-url", help="postgis: another database than wenming_load (its name holds 'load')")
    parser.add_argument("--keep", action="store_true", help="keep the database and the server's files afterwards")
    parser.add_argument("--output", type=Path, help="default benchmarks/results/load-<target>.json")
    return parser.parse_args(argv)


def run(options, base_url: str, password: str) -> dict:
    """The tablets against a server already serving the database Django is set up with; the result dict."""
    from benchmarks.load import audit
    from benchmarks.load.tablets import run_tablets
    from benchmarks.load.world import read_world

    world = read_world(password)
    started = time.monotonic()
    options.stop_at = started + options.duration
    options.hard_stop = options.stop_at + options.drain
    ledgers, stats, waits = run_tablets(world, base_url, options)
    elapsed = time.monotonic() - started
    merged = audit.merge(ledgers)
    return {
        "target": getattr(options, "target", "live"),
        "tablets": options.tablets,
        "duration_s": options.duration,
        "elapsed_s": round(elapsed, 1),
        "replay_rate": options.replay_rate,
        "cut_rate": options.cut_rate,
        "audit": audit.check(merged),
        "endpoints": stats.endpoints(),
        "5xx": stats.count(lambda status: status >= 500),
        "503": stats.count(lambda status: status == 503),
        "server_errors": stats.server_errors,
        "waits": waits,
        "refused": merged["refused"],
        "surprises": merged["surprises"],
        "replays": merged["replays"],
        "gave_up": merged["gave_up"],
    }


def main(argv=None) -> int:
    options = parse(argv)
    from benchmarks.load import report

    with Server(options.target, database_url=options.database_url, keep=options.keep) as server:
        os.environ.update(server.env)
        import django

        django.setup()
        from fixtures.wanping import DEMO_PASSWORD

        print(f"{options.tablets} tablets for {options.duration:.0f} s …", flush=True)
        result = run(options, server.base_url, DEMO_PASSWORD)
        result["server"] = {"url": server.base_url, "database": server.env["DATABASE_URL"].rsplit("@", 1)[-1]}
        result["server_log_errors"] = server.server_errors_logged()
        from django.db import connections

        connections.close_all()
    print(report.table(result))
    print(f"written {report.write(result, options.output)}")
    return 0 if report.passed(result) else 1


if __name__ == "__main__":
    sys.exit(main())
