"""Throughput under load: gunicorn (2 sync workers) on loopback, driven by wrk.

Where wrk is missing, a bounded Python client with a few threads stands in (it measures
less load than wrk can make, and says so in the results).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DURATION_S = 5
CONNECTIONS = 8
THREADS = 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self):
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/__bench__/hello/", timeout=1).read()  # noqa: S310
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _wrk(url: str, headers: dict[str, str]) -> dict:
    args = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{DURATION_S}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    command = [*args, url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=DURATION_S + 30, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    return {
        "tool": "wrk",
        "requests": total,
        "rps": rps,
        "errors": errors,
        "p50": p50.group(0) if p50 else "",
    }


def _python_client(url: str, headers: dict[str, str]) -> dict:
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    stop = time.monotonic() + DURATION_S

    def worker():
        while time.monotonic() < stop:
            request = urllib.request.Request(url, headers=headers)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    response.read()
                    key = "ok" if response.status < 400 else "errors"
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                key = "errors"
            with lock:
                counts[key] += 1

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    total = counts["ok"] + counts["errors"]
    return {
        "tool": "python",
        "requests": total,
        "rps": total / elapsed,
        "errors": counts["errors"],
        "p50": "",
    }


def measure(url: str, headers: dict[str, str] | None = None) -> dict:
    headers = headers or {}
    return _wrk(url, headers) if shutil.which("wrk") else _python_client(url, headers)
