"""A throwaway PostgreSQL cluster of the test's own, which the test may restart or stop.

The machine's PostgreSQL is shared with other test runs and must never be restarted, so a
test that needs a real restart builds a small cluster in a temporary folder with the
Debian server binaries: loopback only, trust authentication, no fsync.

initdb and postgres refuse to run as root. When the tests run as root, every server
command runs as the ``postgres`` system user, which then owns the folder.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.portal.real_services import free_port

START_TIMEOUT = 30
SYSTEM_USER = "postgres"


def server_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when no server is installed."""
    candidates = []
    if pg_config := shutil.which("pg_config"):
        try:
            out = subprocess.run(  # noqa: S603 - fixed arguments, a system binary
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            )
            candidates.append(out.stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
    # Newest version first; pg_config may belong to libpq-dev alone, without a server.
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    for candidate in candidates:
        path = Path(candidate)
        if (path / "initdb").is_file() and (path / "pg_ctl").is_file():
            return path
    return None


def unavailable_reason() -> str | None:
    """Why a private cluster cannot be made here, or None when it can."""
    if server_bindir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl) are not installed."
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            return f"Running as root and there is no {SYSTEM_USER!r} user to run PostgreSQL as."
    return None


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class PrivatePostgres:
    """One cluster in a temporary folder. Use as a context manager so it is always removed."""

    def __init__(self) -> None:
        bindir = server_bindir()
        if bindir is None:
            raise RuntimeError(unavailable_reason())
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._run_as: dict = {}
        if os.geteuid() == 0:
            account = pwd.getpwnam(SYSTEM_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)
            # Drop root's supplementary groups too, or postgres keeps them.
            self._run_as = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    def _run(self, *args: str, timeout: float = START_TIMEOUT) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 - our own fixed command lines
            [str(self.bindir / args[0]), *args[1:]],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **self._run_as,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}\n"
                f"{self.server_log()}"
            )
        return result

    def server_log(self) -> str:
        try:
            return self.log.read_text()[-4000:]
        except OSError:
            return ""

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        return f"postgres://{SYSTEM_USER}@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        self._run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            SYSTEM_USER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--no-sync",
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            # The socket goes in our folder, away from the shared server's /var/run/postgresql.
            "unix_socket_directories": f"'{self.root}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# Throwaway test cluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def start(self) -> None:
        self._run("pg_ctl", "start", "--pgdata", str(self.data), "--log", str(self.log), "--wait")
        self._wait_until_accepting()

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; mode "immediate" skips the clean shutdown, like a crash."""
        self._run("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", mode, "--wait")

    def restart(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "restart", "--pgdata", str(self.data), "--mode", mode, "--log", str(self.log))
        self._wait_until_accepting()

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def _wait_until_accepting(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not _accepts_connections(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not accept connections:\n{self.server_log()}")
            time.sleep(0.05)
        # The port opens a moment before the server leaves recovery: wait for pg_isready too.
        while subprocess.run(  # noqa: S603 - fixed arguments, our own binary
            [str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
            check=False,
            timeout=10,
        ).returncode:
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not become ready:\n{self.server_log()}")
            time.sleep(0.05)

    def create_database(self, name: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", SYSTEM_USER, name)
        return self.url_for(name)

    def destroy(self) -> None:
        """Stop the server if it runs and remove the folder; safe to call more than once."""
        try:
            if self.data.exists() and self.is_running():
                self.stop(mode="immediate")
        except (RuntimeError, OSError, subprocess.SubprocessError):
            self._kill_postmaster()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        # Last resort when pg_ctl could not stop it: SIGQUIT is PostgreSQL's immediate shutdown.
        try:
            pid = int((self.data / "postmaster.pid").read_text().splitlines()[0])
            os.kill(pid, signal.SIGQUIT)
        except (OSError, ValueError, IndexError):
            pass

    def __enter__(self) -> "PrivatePostgres":
        try:
            self.init()
            self.start()
        except BaseException:
            self.destroy()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.destroy()
