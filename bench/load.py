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
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DURATION_S = 5
CONNECTIONS = 8
THREADS = 2
# wrk's own default (2 s) counts a slow page under 8 connections as an error; a request still
# unanswered after this long is one.
TIMEOUT_S = 10


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
        # Generous: on a busy shared machine two workers importing Django can take a minute.
        deadline = time.monotonic() + 120
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


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_COUNT_NOT_200 = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not200 = 0 end
function response(status, headers, body) if status ~= 200 then not200 = not200 + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not200") end
  io.write("Not 200: " .. total .. "\\n")
end
"""


def _wrk_script(method: str, body: str | None, headers: dict[str, str]) -> str:
    """A wrk Lua script: every request with this method, body and headers; counts answers
    other than 200 (a redirect to the sign-in page is a failure here, and wrk alone counts
    only 4xx and 5xx)."""
    lines = [f"wrk.method = {_lua_string(method)}"]
    if body is not None:
        lines.append(f"wrk.body = {_lua_string(body)}")
    lines += [f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}" for name, value in headers.items()]
    return "\n".join(lines) + _COUNT_NOT_200


def _wrk(url: str, headers: dict[str, str], method: str = "GET", body: str | None = None) -> dict:
    args = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{DURATION_S}s", "--latency"]
    args += ["--timeout", f"{TIMEOUT_S}s"]
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        script = Path(tmp) / "request.lua"
        script.write_text(_wrk_script(method, body, headers))
        command = [*args, "-s", str(script), url]
        out = subprocess.run(  # noqa: S603 - our own fixed command line
            command, capture_output=True, text=True, timeout=DURATION_S + TIMEOUT_S + 30, check=True
        ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    not200 = re.search(r"Not 200: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    not_ok = int(not200.group(1)) if not200 else total
    broken = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    return {
        "tool": "wrk",
        "requests": total,
        "rps": rps,
        "errors": not_ok + broken,
        "not_200": not_ok,
        "socket_errors": broken,
        "p50": p50.group(0) if p50 else "",
    }


def _python_client(url: str, headers: dict[str, str], method: str = "GET", body: str | None = None) -> dict:
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    stop = time.monotonic() + DURATION_S

    def worker():
        while time.monotonic() < stop:
            data = body.encode() if body is not None else None
            request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    response.read()
                    key = "ok" if response.status == 200 else "errors"
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


def measure(
    url: str, headers: dict[str, str] | None = None, *, method: str = "GET", body: str | None = None
) -> dict:
    """Load `url` for DURATION_S seconds; a POST (or any body) goes through a wrk Lua script."""
    headers = headers or {}
    run = _wrk if shutil.which("wrk") else _python_client
    return run(url, headers, method, body)
