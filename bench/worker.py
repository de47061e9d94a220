"""A real Redis and a real Celery worker for the submit-to-PDF-ready measurement.

Both are our own subprocesses on a free loopback port, stopped (always) when the block ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.load import _free_port

ROOT = Path(__file__).resolve().parent.parent


def _stop(process: subprocess.Popen | None, timeout: float = 15) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _redis_ready(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """`with RedisServer() as url:` our own redis-server on a free loopback port, keeping
    nothing on disk, stopped when the block ends."""

    def __init__(self):
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> str:
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _redis_ready(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.__exit__()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        return self.url

    def __exit__(self, *exc) -> None:
        _stop(self.process)


class RedisAndWorker:
    """`with RedisAndWorker(private_root) as broker_url:` a Redis and `celery -A portal worker
    --concurrency 2` on the bench settings and database."""

    def __init__(self, private_root: Path):
        self.private_root = private_root
        self.redis = RedisServer()
        self.worker: subprocess.Popen | None = None

    available = RedisServer.available

    @property
    def url(self) -> str:
        return self.redis.url

    def __enter__(self) -> str:
        try:
            self._start()
        except BaseException:
            self.__exit__()
            raise
        return self.url

    def _start(self) -> None:
        self.redis.__enter__()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": str(ROOT),
            "CELERY_BROKER_URL": self.url,
            "PORTAL_PRIVATE_STORAGE": str(self.private_root),
        }
        self.log = ROOT / "var" / "bench" / "worker.log"
        self.worker = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--concurrency",
                "2",
                "--pool",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
        )
        time.sleep(0.5)
        if self.worker.poll() is not None:
            raise RuntimeError(f"celery worker exited at once; see {self.log}")

    def __exit__(self, *exc) -> None:
        _stop(self.worker, timeout=30)
        self.redis.__exit__()
