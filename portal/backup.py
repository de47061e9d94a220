"""Backups of the database and the private files, encrypted with a passphrase the practice
holds, and their restore.

One archive holds everything needed to bring the portal back: the database (pg_dump's custom
format for PostgreSQL, SQLite's own online backup for the embedded default), every file in
private storage, and a manifest (when, what database, and the SHA-256 of each file). The
archive is encrypted with GnuPG (AES-256, symmetric, with its integrity check), so nothing
readable leaves the server; without the passphrase file nobody, the practice included, can
open it. Nothing here knows what the files are: intake's `documents_verify` checks the PDFs
against their recorded hashes after a restore.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import storages
from django.db import connection

ARCHIVE_SUFFIX = ".tar.gpg"
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_DUMP = "database.sqlite3"
FILES_DIR = "private"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in plain words."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    vendor: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _storage_root() -> Path:
    return Path(storages["private"].location)


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed on this machine (Debian: postgresql-client, gnupg).")
    return path


def _passphrase_file(path: str | os.PathLike | None) -> Path:
    path = path or os.environ.get("PORTAL_BACKUP_PASSPHRASE_FILE", "")
    if not path:
        raise BackupError(
            "Set PORTAL_BACKUP_PASSPHRASE_FILE (or --passphrase-file) to the file holding the "
            "backup passphrase the practice keeps."
        )
    path = Path(path)
    if not path.is_file() or not path.read_text().strip():
        raise BackupError(f"The passphrase file {path} is missing or empty.")
    return path


def _pg_environment(database: dict) -> dict:
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _pg_target(database: dict) -> list[str]:
    args = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    return args


def _dump_database(into: Path) -> str:
    database = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [
                _program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--file",
                str(into / PG_DUMP),
                *_pg_target(database),
            ],
            env=_pg_environment(database),
            check=True,
            capture_output=True,
        )
        return "postgresql"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(into / SQLITE_DUMP)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return "sqlite"
    raise BackupError(f"Backups of a {connection.vendor} database are not supported.")


def _gpg(args: list[str], passphrase: Path) -> list[str]:
    return [
        _program("gpg"),
        "--batch",
        "--yes",
        "--quiet",
        "--pinentry-mode",
        "loopback",
        "--passphrase-file",
        str(passphrase),
        *args,
    ]


def backup_create(*, out_dir: Path, passphrase_file: str | None = None) -> BackupResult:
    """Write one encrypted archive of the database and the private files into `out_dir`."""
    passphrase = _passphrase_file(passphrase_file)
    storage_root = _storage_root()
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = out_dir / f"portal-backup-{stamp}{ARCHIVE_SUFFIX}"
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as scratch:
        work = Path(scratch)
        vendor = _dump_database(work)
        files = sorted(p for p in storage_root.rglob("*") if p.is_file()) if storage_root.exists() else []
        manifest = {
            "created_at": stamp,
            "database": vendor,
            "files": {str(p.relative_to(storage_root)): _sha256(p) for p in files},
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        plain = work / "backup.tar"
        with tarfile.open(plain, "w") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            dump = PG_DUMP if vendor == "postgresql" else SQLITE_DUMP
            archive.add(work / dump, arcname=dump)
            for path in files:
                archive.add(path, arcname=f"{FILES_DIR}/{path.relative_to(storage_root)}")
        old_umask = os.umask(0o077)
        try:
            subprocess.run(  # noqa: S603 - fixed program
                _gpg(
                    ["--symmetric", "--cipher-algo", "AES256", "--output", str(target), str(plain)],
                    passphrase,
                ),
                check=True,
                capture_output=True,
            )
        finally:
            os.umask(old_umask)
    return BackupResult(path=target, files=len(files), vendor=vendor)


def _decrypt(archive: Path, passphrase: Path, into: Path) -> dict:
    plain = into / "backup.tar"
    done = subprocess.run(  # noqa: S603 - fixed program
        _gpg(["--decrypt", "--output", str(plain), str(archive)], passphrase),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError("The archive could not be opened: a wrong passphrase, or a damaged file.")
    with tarfile.open(plain) as bundle:
        bundle.extractall(into, filter="data")
    return json.loads((into / MANIFEST).read_text())


def _restore_database(work: Path, vendor: str, database_url: str | None) -> None:
    if vendor == "postgresql":
        database = settings.DATABASES["default"]
        target = ["--dbname", database_url] if database_url else _pg_target(database)
        subprocess.run(  # noqa: S603 - fixed program
            [
                _program("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *target,
                str(work / PG_DUMP),
            ],
            env=_pg_environment(database),
            check=True,
            capture_output=True,
        )
        return
    destination = Path(database_url) if database_url else Path(settings.DATABASES["default"]["NAME"])
    connection.close()
    shutil.copyfile(work / SQLITE_DUMP, destination)
    destination.chmod(0o600)  # every clinical answer is in it


def backup_restore(
    *,
    archive: Path,
    passphrase_file: str | None = None,
    database_url: str | None = None,
    storage_dir: Path | None = None,
) -> dict:
    """Bring back the database and the private files from one archive.

    `database_url` restores into another database (a PostgreSQL URL, or a SQLite file path)
    and `storage_dir` into another folder, to try a restore without touching the live ones.
    Every file is checked against the manifest's SHA-256 as it is put back. Returns the
    manifest.
    """
    if not Path(archive).is_file():
        raise BackupError(f"There is no backup file at {archive}. Please check the name and folder.")
    passphrase = _passphrase_file(passphrase_file)
    storage_root = Path(storage_dir) if storage_dir else _storage_root()
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as scratch:
        work = Path(scratch)
        manifest = _decrypt(archive, passphrase, work)
        for name, digest in manifest["files"].items():
            restored = work / FILES_DIR / name
            if _sha256(restored) != digest:
                raise BackupError(f"{name} in the archive does not match its recorded hash.")
        _restore_database(work, manifest["database"], _database_target(database_url, manifest["database"]))
        storage_root.mkdir(parents=True, exist_ok=True, mode=0o700)
        for name in manifest["files"]:
            destination = storage_root / name
            destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.copyfile(work / FILES_DIR / name, destination)
            destination.chmod(0o600)
    return manifest


def _database_target(database_url: str | None, vendor: str) -> str | None:
    if not database_url or vendor == "postgresql":
        return database_url
    # sqlite:///path/to/file, or a plain path.
    parts = urlsplit(database_url)
    return unquote(parts.path) if parts.scheme == "sqlite" else database_url
