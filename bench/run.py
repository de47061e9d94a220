"""`make bench`: how fast the portal answers, as ratios to floors measured in the same run.

These machines are noisy, so absolute times mean little; every timing is reported with the
floor measured minutes apart on the same machine, and nothing here asserts a time. Prints
a table and writes var/bench/results.json.

Usage: python -m bench.run [--runs N] [--only SUBSTRING]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Measurement:
    name: str
    floor: str
    median_ms: float
    p95_ms: float
    runs: int
    queries: int | None = None
    ratio: float | None = None
    notes: dict = field(default_factory=dict)


def _timed(func: Callable[[], object], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Bench:
    """Collects measurements; scenarios call .request() or .call()."""

    def __init__(self, runs: int, only: str | None):
        self.runs = runs
        self.only = only
        self.results: list[Measurement] = []
        self.floors: dict[str, float] = {}
        self.loads: list[dict] = []
        self.skipped: list[dict] = []
        self.targets: list[dict] = []

    def skip(self, name: str, reason: str) -> None:
        """A measurement that could not be taken here, and why."""
        self.skipped.append({"name": name, "reason": reason})

    def target(self, name: str, value: str, met: bool | None) -> None:
        """A target from the issue, beside the number: reported, never asserted (met None:
        a comparison given for information)."""
        self.targets.append({"name": name, "value": value, "met": met})

    def wanted(self, name: str) -> bool:
        return self.only is None or self.only in name or name.startswith("floor")

    def call(
        self,
        name: str,
        func: Callable[[], object],
        *,
        floor: str,
        runs: int | None = None,
        queries: int | None = None,
        warmup: int = 3,
        **notes,
    ) -> Measurement | None:
        if not self.wanted(name):
            return None
        samples = _timed(func, runs or self.runs, warmup)
        median = statistics.median(samples)
        if name.startswith("floor"):
            self.floors[name] = median
        ratio = median / self.floors[floor] if floor in self.floors else None
        measurement = Measurement(
            name,
            floor,
            round(median, 3),
            round(_p95(samples), 3),
            len(samples),
            queries,
            round(ratio, 2) if ratio else None,
            notes,
        )
        self.results.append(measurement)
        return measurement

    def request(
        self,
        name: str,
        client,
        method: str,
        path: str,
        *,
        floor: str,
        expect: int = 200,
        data=None,
        runs: int | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        **notes,
    ) -> Measurement | None:
        """Time one request through the whole middleware stack, and count its queries.

        `data` may be a callable, called before each request (to send a different value each
        time); `content_type` and `headers` go to the test client as given."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        if not self.wanted(name):
            return None
        send = getattr(client, method)
        extra = {"headers": headers or {}}
        if content_type is not None:
            extra["content_type"] = content_type

        def once():
            payload = data() if callable(data) else data
            response = send(path, payload, **extra) if payload is not None else send(path, **extra)
            if response.status_code != expect:
                raise RuntimeError(f"{name}: {method.upper()} {path} answered {response.status_code}")
            return response

        # Count the queries of a second request: the first may do one-off work (a cache
        # filled, a priority refreshed) that later requests do not repeat.
        once()
        with CaptureQueriesContext(connection) as captured:
            once()
        return self.call(name, once, floor=floor, runs=runs, queries=len(captured.captured_queries), **notes)

    def throughput(self, name: str, result: dict, floor_rps: float) -> None:
        """Record a load run: requests per second as a share of the floor's, and errors."""
        self.loads.append({"name": name, **result, "share_of_floor": round(result["rps"] / floor_rps, 3)})

    def table(self) -> str:
        lines = [f"{'measurement':<66} {'median ms':>10} {'p95 ms':>9} {'x floor':>8} {'queries':>8}"]
        lines.append("-" * len(lines[0]))
        for m in self.results:
            ratio = f"{m.ratio:.2f}" if m.ratio is not None else "-"
            queries = str(m.queries) if m.queries is not None else "-"
            lines.append(f"{m.name:<66} {m.median_ms:>10.2f} {m.p95_ms:>9.2f} {ratio:>8} {queries:>8}")
        if self.loads:
            lines.append("")
            lines.append(
                f"{'load (gunicorn, 2 workers)':<66} {'req/s':>10} {'of floor':>9} {'errors':>8} {'tool':>8}"
            )
            lines.append("-" * 105)
            for load in self.loads:
                lines.append(
                    f"{load['name']:<66} {load['rps']:>10.0f} {load['share_of_floor']:>9.2f} "
                    f"{load['errors']:>8} {load['tool']:>8}"
                )
        if self.skipped:
            lines.append("")
            lines += [f"{s['name']}: skipped ({s['reason']})" for s in self.skipped]
        if self.targets:
            lines.append("")
            lines.append(f"{'targets (informational, not asserted)':<80} {'value':>14} {'':>9}")
            lines.append("-" * 105)
            for t in self.targets:
                met = "" if t["met"] is None else "met" if t["met"] else "NOT MET"
                lines.append(f"{t['name']:<80} {t['value']:>14} {met:>9}")
        return "\n".join(lines)


def _prepare_database() -> None:
    from django.conf import settings
    from django.core.management import call_command

    name = settings.DATABASES["default"]["NAME"]
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        path = Path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, Path(f"{name}-wal"), Path(f"{name}-shm")):
            leftover.unlink(missing_ok=True)
    else:
        # Every run starts empty (the sizes are counts of rows); the schema is dropped, so
        # refuse anything that does not look like a throwaway bench database.
        if "bench" not in str(name):
            raise SystemExit(f"DATABASE_URL names {name!r}; the bench only runs on a database named *bench*.")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0, interactive=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--only", help="only measurements whose name contains this (floors always run)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    _prepare_database()

    from bench import scenarios

    bench = Bench(args.runs, args.only)
    for scenario in scenarios.SCENARIOS:
        scenario(bench)

    print(bench.table())
    out = ROOT / "var" / "bench" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "database": django.db.connection.vendor,
                "floors_ms": bench.floors,
                "results": [asdict(m) for m in bench.results],
                "throughput": bench.loads,
                "skipped": bench.skipped,
                "targets": bench.targets,
            },
            indent=2,
        )
    )
    print(f"\nWritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
