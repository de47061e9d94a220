"""`make bench`: how fast the portal answers, as ratios to floors measured in the same run.

These machines are noisy, so absolute times mean little; every timing is reported with the
floor measured minutes apart on the same machine, and nothing here asserts a time. The bench
runs once on SQLite and once on a scratch PostgreSQL database (created on the server
BENCH_POSTGRES_URL names, with a unique name, and dropped after), each in its own process
with a Redis of its own as the cache (as production runs); prints a table per database and
writes every figure, with the settings it ran under, to var/bench/results.json.

Usage: python -m bench.run [--runs N] [--only SUBSTRING] [--databases sqlite,postgresql]
       [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench" / "results.json"
DATABASES = ("sqlite", "postgresql")
# The server the scratch database is made on (its own database is only used to create and
# drop the scratch one).
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


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

    def __init__(self, runs: int, only: str | None, sizes: tuple[int, ...] = ()):
        self.runs = runs
        self.only = only
        self.sizes = sizes
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
    elif "bench" not in str(name):
        # The scratch database is made empty by the parent process; refuse anything that
        # does not look like one.
        raise SystemExit(f"DATABASE_URL names {name!r}; the bench only runs on a database named *bench*.")
    call_command("migrate", verbosity=0, interactive=False)


def _settings_snapshot(bench: Bench) -> dict:
    """What the figures were measured under: what would change them if it changed."""
    from django.conf import settings
    from django.db import connection

    from bench import load

    database = settings.DATABASES["default"]
    snapshot = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "django_settings": os.environ.get("DJANGO_SETTINGS_MODULE"),
        "debug": settings.DEBUG,
        "template_loaders": [
            str(t.get("OPTIONS", {}).get("loaders", "default (cached when DEBUG is off)"))
            for t in settings.TEMPLATES
        ],
        "database": connection.vendor,
        "database_version": ".".join(str(n) for n in connection.get_database_version()),
        "conn_max_age": database.get("CONN_MAX_AGE"),
        "database_options": {k: v for k, v in database.get("OPTIONS", {}).items() if "password" not in k},
        "session_engine": settings.SESSION_ENGINE,
        "cache_backend": settings.CACHES["default"]["BACKEND"],
        "password_hasher": settings.PASSWORD_HASHERS[0],
        "celery_eager_outside_pdf_measurement": settings.CELERY_TASK_ALWAYS_EAGER,
        "sizes": list(bench.sizes),
        "runs": bench.runs,
        "load": {
            "server": "gunicorn, 2 sync workers, loopback",
            "tool": "wrk" if load.shutil.which("wrk") else "python client (wrk not installed)",
            "threads": load.THREADS,
            "connections": load.CONNECTIONS,
            "seconds": load.DURATION_S,
        },
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            snapshot["postgresql_jit"] = cursor.fetchone()[0]
    return snapshot


def _run_here(args) -> int:
    """Measure in this process, on the database its settings name; write the part to --out."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    _prepare_database()

    from bench import scenarios

    bench = Bench(args.runs, args.only, tuple(args.sizes))
    for scenario in scenarios.SCENARIOS:
        scenario(bench)

    print(bench.table())
    part = {
        "settings": _settings_snapshot(bench),
        "floors_ms": bench.floors,
        "results": [asdict(m) for m in bench.results],
        "throughput": bench.loads,
        "skipped": bench.skipped,
        "targets": bench.targets,
    }
    Path(args.out).write_text(json.dumps(part, indent=2))
    return 0


def _scratch_postgres_create(server: str) -> str:
    """A new, empty database on `server`, with a name no other run uses: its URL."""
    import psycopg
    from psycopg import sql

    name = f"portal_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server.rsplit("/", 1)[0] + "/" + name


def _scratch_postgres_drop(server: str, url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _child(args, database: str, env: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out = Path(tmp) / "part.json"
        command = [sys.executable, "-m", "bench.run", "--here", "--out", str(out), "--runs", str(args.runs)]
        command += ["--sizes", ",".join(str(n) for n in args.sizes)]
        if args.only:
            command += ["--only", args.only]
        print(f"\n=== {database} ===", flush=True)
        child = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own command line
        try:
            if child.wait() != 0:
                raise SystemExit(f"the {database} run failed (exit {child.returncode})")
        finally:
            # Stopped early (Ctrl-C, a timeout): the child goes too, and the caller's
            # `finally` drops the scratch database.
            if child.poll() is None:
                child.terminate()
                child.wait(timeout=60)
        return json.loads(out.read_text())


def _comparison(parts: dict[str, dict]) -> str:
    """One line per measurement: its ratio to its floor on each database, side by side."""
    names = list(dict.fromkeys(m["name"] for part in parts.values() for m in part["results"]))
    found = {db: {m["name"]: m for m in part["results"]} for db, part in parts.items()}
    header = f"{'x floor (queries)':<70}" + "".join(f"{db:>18}" for db in parts)
    lines = [header, "-" * len(header)]
    for name in names:
        cells = []
        for db in parts:
            m = found[db].get(name)
            ratio = "-" if m is None or m["ratio"] is None else f"{m['ratio']:.2f}"
            queries = "" if m is None or m["queries"] is None else f" ({m['queries']})"
            cells.append(f"{ratio + queries:>18}")
        lines.append(f"{name[:70]:<70}" + "".join(cells))
    loads = list(dict.fromkeys(load["name"] for part in parts.values() for load in part["throughput"]))
    for name in loads:
        cells = []
        for part in parts.values():
            load = next((x for x in part["throughput"] if x["name"] == name), None)
            cells.append(f"{'-' if load is None else f'{load["share_of_floor"]:.2f} of floor':>18}")
        lines.append(f"{name[:70]:<70}" + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--only", help="only measurements whose name contains this (floors always run)")
    parser.add_argument("--databases", default=",".join(DATABASES), help="sqlite, postgresql or both")
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        type=lambda text: [int(n) for n in text.split(",") if n.strip()],
        help="numbers of intakes the staff pages are measured at",
    )
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.here:
        return _run_here(args)

    sys.path.insert(0, str(ROOT))
    from bench.worker import RedisServer

    # A SIGTERM (`timeout`, a closed terminal) unwinds like Ctrl-C, so the scratch database
    # is dropped and our Redis stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_CACHE_URL"):
        base_env.pop(name, None)
    parts: dict[str, dict] = {}
    skipped: dict[str, str] = {}
    started = time.monotonic()
    with RedisServer() if RedisServer.available() else _no_redis() as cache_url:
        if cache_url:
            base_env["REDIS_CACHE_URL"] = cache_url
        for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
            if database == "sqlite":
                parts[database] = _child(args, database, base_env)
            elif database == "postgresql":
                server = os.environ.get("BENCH_POSTGRES_URL", POSTGRES_SERVER)
                try:
                    url = _scratch_postgres_create(server)
                except Exception as error:  # noqa: BLE001 - any reason the server is unusable
                    skipped[database] = f"no PostgreSQL server at {server}: {error}"
                    continue
                try:
                    parts[database] = _child(args, database, {**base_env, "DATABASE_URL": url})
                finally:
                    _scratch_postgres_drop(server, url)
            else:
                raise SystemExit(f"--databases: {database!r} is neither sqlite nor postgresql")
    if parts:
        print("\n=== ratios to the floors, side by side ===")
        print(_comparison(parts))
    for database, reason in skipped.items():
        print(f"{database}: skipped ({reason})")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "minutes": round((time.monotonic() - started) / 60, 1),
                "runs": parts,
                "skipped_databases": skipped,
            },
            indent=2,
        )
    )
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")
    return 0


@contextmanager
def _no_redis() -> Iterator[str]:
    # Without redis-server the cache is each process's own memory (the figures say so).
    yield ""


if __name__ == "__main__":
    raise SystemExit(main())
