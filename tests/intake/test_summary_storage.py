"""The PDF summary when its storage fails: no wasted renders, no piles of partial files, a
state staff can see, bounded retries, and recovery by itself once files can be stored."""

import logging
import secrets
import subprocess
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from intake import summary_services
from intake.models import Intake, SummaryDocument
from intake.summary_services import SummaryStorageError, summary_render
from intake.tasks import SUMMARY_RETRIES, intake_summaries_render_task, summaries_missing_requeue
from portal.storage import private_storage_problem_forget, storage_problem
from tests.intake.factories_review import sent_intake

pytestmark = pytest.mark.django_db

STAFF = SummaryDocument.Audience.STAFF


def _use_storage(settings, monkeypatch, location: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": location, "base_url": None}},
    }
    monkeypatch.setattr(
        SummaryDocument._meta.get_field("file"), "storage", FileSystemStorage(location=location)
    )
    private_storage_problem_forget()


@pytest.fixture
def unwritable(settings, monkeypatch, tmp_path):
    """Storage whose folder cannot be made (a file stands where it should be): refused on
    any machine, whoever runs the tests (a read-only folder does not stop root)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    _use_storage(settings, monkeypatch, blocker / "private")
    return blocker


@pytest.fixture
def tiny_disk(settings, monkeypatch, tmp_path):
    """A real 64 KB file system, to fill (needs the right to mount; skipped without it)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(  # noqa: S603 - fixed arguments
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],  # noqa: S607
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small file system here")
    _use_storage(settings, monkeypatch, mount)
    yield mount
    subprocess.run(["umount", str(mount)], check=False)  # noqa: S603, S607


@pytest.fixture
def no_propagate():
    """Run tasks eagerly as a worker would: a failure ends the task, it is not raised here."""
    conf = intake_summaries_render_task.app.conf
    before = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = before


@pytest.fixture
def renders(monkeypatch):
    """Count the PDF renders (the expensive part) without changing them."""
    calls = []
    real = summary_services.render_pdf

    def counted(html):
        calls.append(1)
        return real(html)

    monkeypatch.setattr(summary_services, "render_pdf", counted)
    return calls


def test_an_unwritable_storage_stops_before_rendering(unwritable, renders):
    intake = sent_intake()

    with pytest.raises(SummaryStorageError):
        summary_render(intake_id=intake.pk, audience=STAFF)

    assert renders == []


def test_a_full_disk_leaves_no_partial_file(tiny_disk, monkeypatch):
    # Text that does not compress, so the PDF is far larger than 64 KB.
    intake = sent_intake(hopes=" ".join(secrets.token_urlsafe(12) for _ in range(12000)))
    # The probe file fits; the PDF does not.
    with pytest.raises(SummaryStorageError):
        summary_render(intake_id=intake.pk, audience=STAFF)

    assert [p for p in tiny_disk.rglob("*") if p.is_file()] == []
    assert not SummaryDocument.objects.exists()


def test_a_storage_failure_is_shown_logged_once_and_retried_a_bounded_number_of_times(
    unwritable, renders, caplog, no_propagate
):
    intake = sent_intake()
    caplog.set_level(logging.ERROR, logger="intake.summary_services")

    result = intake_summaries_render_task.apply(args=(intake.pk,))

    assert result.failed()
    intake.refresh_from_db()
    assert intake.summary_problem == Intake.SummaryProblem.STORAGE
    assert renders == []
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "intake.summary_services"]
    assert len(errors) == 1
    assert "could not be made (storage)" in errors[0].getMessage()


def test_the_sweeper_leaves_a_storage_failure_alone_until_files_can_be_stored(
    unwritable, settings, monkeypatch, tmp_path, renders
):
    intake = sent_intake(waiting=summary_services.SWEEP_AFTER * 2)
    Intake.objects.filter(pk=intake.pk).update(summary_problem=Intake.SummaryProblem.STORAGE)

    assert summaries_missing_requeue() == 0
    assert renders == []

    _use_storage(settings, monkeypatch, tmp_path / "fixed")  # space freed, permissions fixed
    assert summaries_missing_requeue() == 1

    intake.refresh_from_db()
    assert intake.summary_problem == ""
    assert SummaryDocument.objects.filter(intake=intake, is_current=True).count() == 2


def test_a_render_past_its_time_limit_is_not_retried_and_says_so(monkeypatch, no_propagate):
    intake = sent_intake()
    calls = []

    def too_slow(html):
        calls.append(1)
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(summary_services, "render_pdf", too_slow)

    result = intake_summaries_render_task.apply(args=(intake.pk,))

    assert result.failed()
    assert calls == [1]
    intake.refresh_from_db()
    assert intake.summary_problem == Intake.SummaryProblem.TIME_LIMIT
    assert summaries_missing_requeue(older_than=summary_services.SWEEP_AFTER * 0) == 0


def test_any_other_failure_is_retried_a_bounded_number_of_times_then_shown(monkeypatch, no_propagate):
    intake = sent_intake()
    calls = []

    def broken(html):
        calls.append(1)
        raise RuntimeError("a font went missing")

    monkeypatch.setattr(summary_services, "render_pdf", broken)

    result = intake_summaries_render_task.apply(args=(intake.pk,))

    assert result.failed()
    assert len(calls) == SUMMARY_RETRIES + 1
    intake.refresh_from_db()
    assert intake.summary_problem == Intake.SummaryProblem.ERROR


def test_staff_see_why_the_pdf_is_missing(client, therapist, unwritable):
    intake = sent_intake()
    Intake.objects.filter(pk=intake.pk).update(summary_problem=Intake.SummaryProblem.STORAGE)
    client.force_login(therapist)

    page = client.get(reverse("intake:staff_detail", kwargs={"pk": intake.pk})).content.decode()

    assert "The PDF could not be stored" in page
    assert "The practice admin has been told" in page


def test_a_download_while_storage_fails_is_a_calm_page_not_an_error(client, therapist, unwritable):
    intake = sent_intake()
    client.force_login(therapist)

    response = client.get(reverse("intake:staff_summary_pdf", kwargs={"pk": intake.pk}))

    assert response.status_code == 503
    assert "file storage is not taking new files" in response.content.decode().replace("&#x27;", "'")


def test_the_practice_admin_is_told_on_every_staff_page(client, practice_admin, therapist, unwritable):
    client.force_login(practice_admin)
    assert "data-storage-warning" in client.get(reverse("portal:staff_home")).content.decode()
    client.force_login(therapist)
    assert "data-storage-warning" not in client.get(reverse("portal:staff_home")).content.decode()


def test_the_health_check_reports_unwritable_storage(client, unwritable):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error"


def test_a_person_asking_for_a_fresh_copy_clears_the_problem(client, therapist, settings):
    intake = sent_intake()
    Intake.objects.filter(pk=intake.pk).update(summary_problem=Intake.SummaryProblem.TIME_LIMIT)
    client.force_login(therapist)

    client.post(reverse("intake:staff_summary_rerender", kwargs={"pk": intake.pk}))

    intake.refresh_from_db()
    assert intake.summary_problem == ""


def test_storage_problem_is_empty_for_a_working_folder(tmp_path):
    assert storage_problem(FileSystemStorage(location=tmp_path)) == ""
    assert list(tmp_path.iterdir()) == []
