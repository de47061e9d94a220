"""Backups: one archive, encrypted with the practice's passphrase, that brings the database
and every private file back intact; and the check of every stored PDF against its hash."""

import hashlib
import io
import sqlite3
import subprocess
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from intake.models import Intake, SummaryDocument
from intake.summary_services import summary_render
from portal.backup import BackupError, backup_create, backup_restore
from tests.intake.factories_review import sent_intake
from tests.portal.real_services import database_url

pytestmark = pytest.mark.django_db(transaction=True)

MARKER = "Ottoline Vasquez-Marchetti"


@pytest.fixture
def passphrase(tmp_path):
    path = tmp_path / "backup-passphrase"
    path.write_text("correct horse battery staple, kept in the practice safe\n")
    return path


@pytest.fixture
def with_pdfs(client_user):
    intake = sent_intake(client=client_user, legal_name=MARKER)
    for audience in SummaryDocument.Audience.values:
        summary_render(intake_id=intake.pk, audience=audience)
    return intake


def test_the_archive_is_encrypted(tmp_path, passphrase, with_pdfs):
    result = backup_create(out_dir=tmp_path / "backups", passphrase_file=passphrase)

    data = result.path.read_bytes()
    assert result.files == 2
    assert MARKER.encode() not in data
    assert b"%PDF" not in data
    assert result.path.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_a_wrong_passphrase_opens_nothing(tmp_path, passphrase, with_pdfs):
    result = backup_create(out_dir=tmp_path / "backups", passphrase_file=passphrase)
    wrong = tmp_path / "wrong"
    wrong.write_text("not the one")

    with pytest.raises(BackupError, match="wrong passphrase"):
        backup_restore(archive=result.path, passphrase_file=wrong, storage_dir=tmp_path / "restored")


def test_no_passphrase_file_is_refused_with_what_to_set(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_BACKUP_PASSPHRASE_FILE", raising=False)

    with pytest.raises(BackupError, match="PORTAL_BACKUP_PASSPHRASE_FILE"):
        backup_create(out_dir=tmp_path)


def _scratch_database() -> tuple[str, callable]:
    """A database to restore into, beside the live one, and how to read a count from it."""
    if connection.vendor == "postgresql":
        name = f"restore_{uuid.uuid4().hex[:10]}"
        url = database_url().rsplit("/", 1)[0] + f"/{name}"
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)  # noqa: S603, S607

        def count(table):
            with psycopg.connect(url) as conn:
                return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608

        return url, count
    path = f"/tmp/restore-{uuid.uuid4().hex[:10]}.sqlite3"  # noqa: S108

    def count(table):
        with sqlite3.connect(path) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608

    return path, count


def test_a_restore_brings_back_the_database_and_every_file_intact(tmp_path, passphrase, with_pdfs):
    result = backup_create(out_dir=tmp_path / "backups", passphrase_file=passphrase)
    target, count = _scratch_database()

    manifest = backup_restore(
        archive=result.path,
        passphrase_file=passphrase,
        database_url=target,
        storage_dir=tmp_path / "restored",
    )

    assert count("intake_intake") == Intake.objects.count()
    assert count("intake_summarydocument") == 2
    for document in SummaryDocument.objects.all():
        restored = tmp_path / "restored" / document.file.name
        assert restored.read_bytes() == document.file.open("rb").read()
        assert manifest["files"][document.file.name] == document.sha256
    if connection.vendor == "postgresql":
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", target.rsplit("/", 1)[1]], check=False)  # noqa: S603, S607


# --- every stored PDF against its recorded hash


def test_documents_verify_passes_when_every_file_is_intact(with_pdfs):
    out = io.StringIO()

    call_command("documents_verify", stdout=out)

    assert "2 PDFs checked: 2 intact, 0 missing or altered" in out.getvalue()


def test_documents_verify_names_a_missing_and_an_altered_file_and_fails(with_pdfs):
    staff = SummaryDocument.objects.get(audience=SummaryDocument.Audience.STAFF)
    client_copy = SummaryDocument.objects.get(audience=SummaryDocument.Audience.CLIENT)
    staff.file.storage.delete(staff.file.name)
    with client_copy.file.storage.open(client_copy.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7 not what was made")
    out = io.StringIO()

    with pytest.raises(SystemExit):
        call_command("documents_verify", stdout=out, stderr=io.StringIO())

    assert f"Intake {staff.intake_id}, practice copy (current): missing" in out.getvalue()
    assert "client's copy (current): altered" in out.getvalue()


def test_documents_verify_repair_makes_the_current_ones_again(with_pdfs):
    document = SummaryDocument.objects.filter(is_current=True).first()
    document.file.storage.delete(document.file.name)
    out = io.StringIO()

    call_command("documents_verify", "--repair", stdout=out)

    current = SummaryDocument.objects.get(intake=document.intake, audience=document.audience, is_current=True)
    assert current.file.storage.exists(current.file.name)
    assert "1 made again" in out.getvalue()
    # Checked again: the old copy is history now, and the check passes.
    again = io.StringIO()
    call_command("documents_verify", stdout=again)
    assert "(0 of them current)" in again.getvalue()


def test_documents_verify_repair_removes_files_of_replaced_copies_left_behind(with_pdfs):
    # A copy replaced before replaced files were removed (or while storage was down).
    old = SummaryDocument.objects.get(audience=SummaryDocument.Audience.STAFF)
    SummaryDocument.objects.filter(pk=old.pk).update(is_current=False)
    newer = SummaryDocument.objects.create(
        intake=old.intake,
        audience=old.audience,
        file=old.file.storage.save("summaries/newer.pdf", io.BytesIO(b"%PDF newer")),
        sha256=hashlib.sha256(b"%PDF newer").hexdigest(),
        size=10,
        template_version=old.template_version,
        source_digest="x",
    )
    out = io.StringIO()

    call_command("documents_verify", "--repair", stdout=out)

    old.refresh_from_db()
    assert not old.file.storage.exists(old.file.name)
    assert old.file_removed_at is not None
    assert newer.file.storage.exists(newer.file.name)
    assert "Files removed of replaced copies still stored: 1." in out.getvalue()
    # A removed file is the record working, not a problem: the plain check passes.
    call_command("documents_verify", stdout=io.StringIO())


def test_a_restore_names_a_missing_archive_plainly(tmp_path, passphrase):
    with pytest.raises(BackupError, match="There is no backup file at"):
        backup_restore(archive=tmp_path / "nope.tar.gpg", passphrase_file=passphrase)
