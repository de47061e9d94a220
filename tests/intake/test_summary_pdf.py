"""The therapist's PDF summary: content, storage, idempotence, the sweeper, downloads."""

import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from intake.instruments import INSTRUMENT_ORDER, get_instrument, instruments_for_step
from intake.models import InsuranceCardImage, Intake, InternalNote, SummaryDocument
from intake.payment_services import card_image_store
from intake.questionnaire_services import questionnaire_answers_save
from intake.screening_display import CLIENT_ANSWERS_NOTE
from intake.selectors import intake_scores
from intake.summary import TEMPLATE_VERSION, intake_summary_context, summary_digest
from intake.summary_services import summary_render
from intake.tasks import summaries_missing_requeue, summary_refresh
from portal.models import AuditEvent
from portal.pdf import StaticOnlyURLFetcher, render_pdf
from portal.selectors import practice_get
from tests.intake.factories_review import ASQ_ACUTE, intake_with_answers
from tests.intake.screening_cases import PHQ9_ITEM_9_DECLINED, SCREENING_CASES, expected_statuses
from tests.intake.summary_samples import HOSTILE_TEXT, celery_broker, intake_build

pytestmark = pytest.mark.django_db

STAFF = SummaryDocument.Audience.STAFF
CLIENT = SummaryDocument.Audience.CLIENT
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "pdf"


@pytest.fixture
def sent(client_user, django_capture_on_commit_callbacks):
    """A typical intake, sent; the render task runs on commit (eager Celery in tests)."""
    with django_capture_on_commit_callbacks(execute=True):
        return intake_build(client=client_user)


@pytest.fixture
def sent_without_pdfs(client_user):
    """A typical intake, sent, its PDFs not rendered (the slow part of these tests): for the
    tests that never read them. The download views render a missing copy, so a refusal that
    wrongly let someone through would still show as a download."""
    return intake_build(client=client_user)


def pdf_text(document: SummaryDocument) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def pdftotext(document: SummaryDocument, *, layout: bool = False) -> str:
    """The document's text as poppler's pdftotext reads it."""
    with document.file.open("rb") as handle:
        data = handle.read()
    command = [shutil.which("pdftotext"), *(["-layout"] if layout else []), "-enc", "UTF-8", "-", "-"]
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode()  # noqa: S603


def screener_rows_read(document: SummaryDocument, short_names: list[str]) -> dict[str, list[str]]:
    """The words of each row of the practice copy's questionnaire table, by the short name
    that begins the row (read with the page's layout, so a row's wrapped cells stay in it)."""
    text = pdftotext(document, layout=True)
    table = text[text.index("Screening questionnaires") : text.index("Pregnancy history")]
    rows: dict[str, list[str]] = {}
    current = None
    for line in table.splitlines():
        words = line.split()
        # A short name may be more than one word ("Perinatal safety").
        starts = [name for name in short_names if words[: len(name.split())] == name.split()]
        if starts:
            current = starts[0]
        if current is not None:
            rows.setdefault(current, []).extend(words)
    return rows


def says_in_order(row_words: list[str], phrase: str) -> bool:
    """Whether the phrase's words appear in the row in order (other columns may sit between
    the lines of a wrapped cell)."""
    remaining = iter(row_words)
    return all(word in remaining for word in phrase.split())


def keep(document: SummaryDocument, name: str) -> None:
    """Keep a copy for people to look at (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with document.file.open("rb") as handle:
        (ARTIFACTS / name).write_bytes(handle.read())


# --- The pipeline


def test_submitting_renders_and_stores_both_copies(sent):
    documents = SummaryDocument.objects.filter(intake=sent, is_current=True)

    assert {d.audience for d in documents} == {STAFF, CLIENT}
    for document in documents:
        with document.file.open("rb") as handle:
            data = handle.read()
        assert data.startswith(b"%PDF")
        assert document.size == len(data)
        assert document.sha256 == hashlib.sha256(data).hexdigest()
        assert document.template_version == TEMPLATE_VERSION


def test_the_file_is_reachable_only_through_the_views(client, sent, therapist, settings):
    document = SummaryDocument.objects.get(intake=sent, audience=STAFF, is_current=True)
    client.force_login(therapist)

    path = Path(document.file.path)
    assert path.is_file()
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert all(not path.is_relative_to(Path(d).resolve()) for d in settings.STATICFILES_DIRS)
    for prefix in ("/", "/media/", settings.STATIC_URL, "/private/"):
        assert client.get(prefix + document.file.name).status_code == 404


def test_the_pdf_shows_name_scores_banner_history_and_consents(sent):
    document = SummaryDocument.objects.get(intake=sent, audience=STAFF, is_current=True)
    keep(document, "summary-staff.pdf")
    text = flat(pdf_text(document))

    assert "Hope Rivera" in text
    assert "Hopie" in text
    assert "Confidential: contains protected health information" in text
    assert "Page 1 of" in text
    for code, result in intake_scores(intake=sent).items():
        short = get_instrument(code).short_name
        assert short in text
        assert flat(result.band_label) in text
        if result.total is not None:
            assert f"{result.total} /" in text, code
    # PC-PTSD-5 has a declined item: incomplete, with its lower bound.
    assert "at least 3" in text
    assert "Incomplete: 4 of 5 answered" in text
    assert "EPDS-3A anxiety subscale: 5 / 9" in text
    assert "SAFETY LEVEL High: same-day review" in text
    assert "PHQ-9 Item 9:" in text
    assert "answer: Several days" in text
    assert "not acknowledged" in text
    for when, outcome in [
        ("April 2021", "Miscarriage"),
        ("November 2022", "Ectopic pregnancy"),
        ("August 2023", "Stillbirth"),
        ("February 2025", "Birth of a living baby"),
    ]:
        assert when in text
        assert outcome in text
    assert "Emergency surgery at night." in text
    assert "3 losses" in text
    assert "1 live birth" in text
    for signature in sent.signatures.select_related("document"):
        assert signature.document.title in text
    assert text.count("Hope Rivera") >= 4  # legal name in the header, the running head, the signatures


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")


@needs_pdftotext
@pytest.mark.parametrize("case", SCREENING_CASES)
def test_every_offered_screener_has_a_row_in_the_practice_pdf(client_user, case):
    answers, statuses = SCREENING_CASES[case]
    intake = intake_with_answers(client=client_user, answers=answers)
    offered = instruments_for_step(practice_get().epds_enabled)

    document = summary_render(intake_id=intake.pk, audience=STAFF)

    rows = screener_rows_read(document, [i.short_name for i in offered])
    assert list(rows) == [i.short_name for i in offered]
    for code, status in expected_statuses([i.code for i in offered], statuses).items():
        row = rows[get_instrument(code).short_name]
        assert says_in_order(row, status), (code, status, row)
    # A refused question is never counted as "0 of N, at least 0".
    assert "at least 0" not in flat(pdftotext(document))


def safety_banner_read(document: SummaryDocument) -> str:
    """The practice copy's safety banner, as pdftotext reads it, on one line."""
    text = flat(pdftotext(document))
    return text[text.index("SAFETY LEVEL") : text.index("Screening questionnaires")]


@needs_pdftotext
def test_a_declined_phq9_item_9_is_shown_as_declined_in_the_pdf_banner(client_user):
    intake = intake_with_answers(client=client_user, answers={"phq9": PHQ9_ITEM_9_DECLINED})

    banner = safety_banner_read(summary_render(intake_id=intake.pk, audience=STAFF))

    assert "PHQ-9 • Item 9: “Thoughts that you would be better off dead" in banner
    assert "answer: Declined" in banner
    assert "Prefer not to answer" not in banner


@needs_pdftotext
def test_the_pdf_banner_shows_a_changed_answer_once_with_what_it_is_now(client_user):
    intake = intake_with_answers(client=client_user, answers={"phq9": {"9": 1}}, sent=False)
    for later in (3, 0):
        questionnaire_answers_save(intake=intake, code="phq9", answers={"9": later}, actor=client_user)

    banner = safety_banner_read(summary_render(intake_id=intake.pk, audience=STAFF))

    assert banner.count("Item 9:") == 1
    assert "answer: Nearly every day" in banner
    assert "since changed to: Not at all" in banner
    assert "Several days" not in banner


def test_the_timeline_is_in_date_order_newest_first_whatever_order_it_was_given(sent_without_pdfs):
    sent_without_pdfs.pregnancies.filter(year=2021).update(order=99)

    context = intake_summary_context(intake=sent_without_pdfs, audience=STAFF)

    assert [e["when"] for e in context["history"]["entries"]] == [
        "February 2025",
        "August 2023",
        "November 2022",
        "April 2021",
    ]


def test_times_are_shown_in_denver(sent_without_pdfs):
    sent_without_pdfs.submitted_at = dt.datetime(2026, 1, 15, 17, 30, tzinfo=dt.UTC)

    context = intake_summary_context(intake=sent_without_pdfs, audience=STAFF)

    assert context["submitted_at"] == "Jan 15, 2026, 10:30 AM MST"


def test_the_clients_copy_has_her_answers_without_staff_notes_or_acknowledgements(sent, therapist):
    flag = sent.risk_flags.get(level="high")
    flag.acknowledged_at, flag.acknowledged_by = timezone.now(), therapist
    flag.follow_up, flag.acknowledgement_note = "called_client", "Spoke with her; safety plan agreed."
    flag.save()
    InternalNote.objects.create(intake=sent, author=therapist, body="Prefers Stephanie; ask about Eli.")

    staff = flat(pdf_text(summary_render(intake_id=sent.pk, audience=STAFF)))
    own = summary_render(intake_id=sent.pk, audience=CLIENT)
    keep(own, "summary-client.pdf")
    mine = flat(pdf_text(own))

    assert "Spoke with her; safety plan agreed." in staff
    assert "Prefers Stephanie; ask about Eli." in staff
    assert "acknowledged by Stephanie Poole" in staff
    for hidden in ("Spoke with her", "Prefers Stephanie", "Stephanie Poole", "SAFETY LEVEL"):
        assert hidden not in mine
    assert get_instrument("phq9").client_title in mine
    assert "Little interest or pleasure in doing things" in mine
    assert "Our son, Eli." in mine
    # A same-day level: her copy carries the crisis lines.
    assert "988" in mine


# What her copy must never say: every band of every instrument, and the words of scoring and
# triage. Matched as whole words, whatever the case.
SCORING_WORDS = sorted(
    {band.label for instrument in INSTRUMENT_ORDER for band in instrument.bands}
    | {"Self-harm", "Acute", "positive", "cut-off", "score"}
)


def scoring_words_in(text: str) -> list[str]:
    return [word for word in SCORING_WORDS if re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)]


def clients_own_words(intake) -> str:
    """Everything the client wrote or chose in her own words, and the questions she was asked."""
    written = [intake.hopes, intake.before_losses, intake.symptoms_other, intake.substance_use]
    written += [entry.note for entry in intake.pregnancies.all()]
    for result in intake_scores(intake=intake).values():
        written += [f"{a.text} {a.answer_label or ''}" for a in result.item_answers]
    return " ".join(written)


@pytest.fixture(params=["typical", "acute"])
def her_intake(request, client_user):
    """The typical sample (every screener, a HIGH flag), or an acute ASQ with PHQ-9 item 9
    declined (URGENT, so her copy carries the crisis lines)."""
    if request.param == "typical":
        return intake_build(client=client_user)
    return intake_with_answers(client=client_user, answers={"asq": ASQ_ACUTE, "phq9": PHQ9_ITEM_9_DECLINED})


@needs_pdftotext
def test_the_clients_copy_says_no_score_band_cut_off_or_flag(her_intake):
    # Were one of these words her own, finding it would prove nothing.
    assert scoring_words_in(clients_own_words(her_intake)) == []
    staff = pdftotext(summary_render(intake_id=her_intake.pk, audience=STAFF))
    assert scoring_words_in(staff)  # the practice copy says them, so the check can see them

    mine = pdftotext(summary_render(intake_id=her_intake.pk, audience=CLIENT))

    assert scoring_words_in(mine) == []


@needs_pdftotext
def test_the_clients_copy_says_her_therapist_will_go_through_her_answers_with_her(sent):
    mine = flat(pdftotext(SummaryDocument.objects.get(intake=sent, audience=CLIENT, is_current=True)))

    assert flat(str(CLIENT_ANSWERS_NOTE)) in mine


@needs_pdftotext
def test_the_clients_copy_titles_each_questionnaire_plainly_and_lists_every_answer(sent):
    mine = flat(pdftotext(SummaryDocument.objects.get(intake=sent, audience=CLIENT, is_current=True)))

    for code, result in intake_scores(intake=sent).items():
        instrument = get_instrument(code)
        assert instrument.client_title in mine
        assert instrument.name not in mine
        assert not re.search(rf"\b{re.escape(instrument.short_name)}\b", mine), code
        for answer in result.item_answers:
            assert flat(answer.text) in mine
    # PC-PTSD-5 item 5 was declined: her copy says so in her words.
    assert "Prefer not to answer" in mine


@needs_pdftotext
def test_the_staff_copy_still_has_scores_bands_and_cut_offs(sent):
    staff = flat(pdftotext(SummaryDocument.objects.get(intake=sent, audience=STAFF, is_current=True)))

    assert "Score" in staff
    assert "Cut-off" in staff
    assert "17 / 27" in staff  # PHQ-9
    assert "Moderately severe" in staff
    assert "Self-harm signal: item 9 (Several days)" in staff


# --- Idempotence and refresh


def test_rendering_again_replaces_nothing_that_is_current(sent):
    before = SummaryDocument.objects.get(intake=sent, audience=STAFF, is_current=True)

    again = summary_render(intake_id=sent.pk, audience=STAFF)

    assert again.pk == before.pk
    assert SummaryDocument.objects.filter(intake=sent).count() == 2


def test_acknowledging_a_flag_makes_a_new_current_copy_and_removes_the_old_file(
    sent, therapist, django_capture_on_commit_callbacks
):
    old = SummaryDocument.objects.get(intake=sent, audience=STAFF, is_current=True)
    flag = sent.risk_flags.get(level="high")
    flag.acknowledged_at, flag.acknowledged_by, flag.acknowledgement_note = (
        timezone.now(),
        therapist,
        "Called.",
    )
    flag.save()

    with django_capture_on_commit_callbacks(execute=True):
        summary_refresh(intake_id=sent.pk)

    new = SummaryDocument.objects.get(intake=sent, audience=STAFF, is_current=True)
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.is_current is False
    # The row is the record that it existed; the file, every answer as it was, is gone.
    assert not old.file.storage.exists(old.file.name)
    assert old.file_removed_at is not None
    assert AuditEvent.objects.filter(
        object_type="summary_document", object_id=str(old.pk), detail__contains="file removed"
    ).exists()
    text = flat(pdf_text(new))
    assert "acknowledged by Stephanie Poole" in text
    # The flags still open are named, so the acknowledged one does not read as open.
    assert "Still to acknowledge: Elevated." in text
    # The client's copy does not show acknowledgements, so it was left as it was.
    assert SummaryDocument.objects.filter(intake=sent, audience=CLIENT).count() == 1


def test_a_file_altered_on_disk_is_rendered_again(sent):
    document = SummaryDocument.objects.get(intake=sent, audience=STAFF, is_current=True)
    Path(document.file.path).write_bytes(b"%PDF-1.7 tampered")

    again = summary_render(intake_id=sent.pk, audience=STAFF)

    assert again.pk != document.pk
    with again.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == again.sha256


def test_the_digest_ignores_nothing_the_document_shows(sent_without_pdfs, therapist):
    before = summary_digest(intake_summary_context(intake=sent_without_pdfs, audience=STAFF))
    InternalNote.objects.create(intake=sent_without_pdfs, author=therapist, body="A note.")

    assert summary_digest(intake_summary_context(intake=sent_without_pdfs, audience=STAFF)) != before
    assert summary_digest(
        intake_summary_context(intake=sent_without_pdfs, audience=CLIENT)
    ) == summary_digest(intake_summary_context(intake=sent_without_pdfs, audience=CLIENT))


# --- Broker outage and the sweeper


def test_a_broker_outage_at_submit_still_sends_the_intake(
    client, client_user, settings, django_capture_on_commit_callbacks
):
    intake = intake_build(client=client_user, submit=False)
    client.force_login(client_user)

    # Nothing listens on port 1 of loopback: the broker refuses the connection at once.
    with celery_broker(settings, "redis://127.0.0.1:1/0"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:submit"))

    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.status == "submitted"
    assert not SummaryDocument.objects.filter(intake=intake).exists()


def test_the_sweeper_renders_what_was_never_rendered(client_user):
    intake = intake_build(client=client_user)  # on_commit never ran: nothing rendered
    assert summaries_missing_requeue() == 0  # too recent: the first task may still be running

    intake.submitted_at = timezone.now() - dt.timedelta(minutes=10)
    intake.save(update_fields=["submitted_at"])

    assert summaries_missing_requeue() == 1
    assert set(SummaryDocument.objects.filter(intake=intake).values_list("audience", flat=True)) == {
        STAFF,
        CLIENT,
    }
    assert summaries_missing_requeue() == 0


def test_the_sweeper_leaves_drafts_alone(client_user):
    intake = intake_build(client=client_user, submit=False)
    intake.created_at = timezone.now() - dt.timedelta(days=1)
    intake.save(update_fields=["created_at"])

    assert summaries_missing_requeue(older_than=dt.timedelta(0)) == 0


def test_the_beat_schedule_runs_the_sweeper(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "intake.tasks.intake_summaries_sweep_task" in tasks


# --- Hostile and very large content


def test_client_html_is_printed_as_text_and_nothing_is_fetched(
    client_user, django_capture_on_commit_callbacks
):
    intake = intake_build(client=client_user, hopes=HOSTILE_TEXT, submit=False)
    intake.appointment_preferences = HOSTILE_TEXT
    intake.save(update_fields=["appointment_preferences"])
    from django.template.loader import render_to_string

    from intake.summary import TEMPLATE_NAME

    context = intake_summary_context(intake=intake, audience=STAFF)
    html = render_to_string(TEMPLATE_NAME, {**context, "generated_at": "now"})
    fetcher = StaticOnlyURLFetcher()

    pdf = render_pdf(html, fetcher=fetcher)

    text = flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert '<img src="file:///etc/passwd">' in text
    assert '<script>alert("x")</script>' in text
    assert b"root:x:0:0" not in pdf
    assert not PdfReader(io.BytesIO(pdf)).attachments
    # The client's markup never became an element: the only URL asked for is our stylesheet.
    assert fetcher.refused == []
    assert "<img src" not in html.replace("&lt;img src", "")


def test_a_very_large_intake_renders_completely(client_user):
    words = ("A long paragraph of my own words that goes on. " * 220)[:10_000]
    intake = intake_build(client=client_user, extra_entries=46, free_text=words)
    assert intake.pregnancies.count() == 50

    document = summary_render(intake_id=intake.pk, audience=STAFF)
    keep(document, "summary-large.pdf")
    text = flat(pdf_text(document))

    for n in range(5, 51):
        assert f"Entry {n}" in text, n
    assert "49 losses" in text
    assert text.count("A long paragraph of my own words") >= 200
    assert "Appendix: questionnaire answers" in text


# --- Downloads


def test_a_therapist_downloads_the_practice_copy_and_it_is_audited(client, sent, therapist):
    client.force_login(therapist)

    response = client.get(reverse("intake:staff_summary_pdf", kwargs={"pk": sent.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Rivera" not in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    body = b"".join(response.streaming_content)
    document = SummaryDocument.objects.get(intake=sent, audience=STAFF, is_current=True)
    assert hashlib.sha256(body).hexdigest() == document.sha256
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD)
    assert (event.actor, event.client, event.object_id) == (therapist, sent.client, str(document.pk))


def test_the_practice_admin_downloads_the_practice_copy(client, sent_without_pdfs, practice_admin):
    client.force_login(practice_admin)

    response = client.get(reverse("intake:staff_summary_pdf", kwargs={"pk": sent_without_pdfs.pk}))

    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD, actor=practice_admin).count() == 1


def test_front_desk_cannot_download_the_summary(client, sent_without_pdfs, front_desk):
    client.force_login(front_desk)

    response = client.get(reverse("intake:staff_summary_pdf", kwargs={"pk": sent_without_pdfs.pk}))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_a_client_cannot_use_the_staff_download(client, sent_without_pdfs, client_user):
    client.force_login(client_user)

    response = client.get(reverse("intake:staff_summary_pdf", kwargs={"pk": sent_without_pdfs.pk}))

    assert response.status_code == 403


def test_a_therapist_limited_to_assigned_intakes_gets_404_for_another_therapists(
    client, sent_without_pdfs, therapist, practice, practice_admin
):
    from tests.portal.factories import StaffFactory

    other = StaffFactory(email="other@practice.example", full_name="Other Therapist")
    sent_without_pdfs.assigned_therapist = other
    sent_without_pdfs.save(update_fields=["assigned_therapist"])
    practice.therapists_see_assigned_only = True
    practice.save(update_fields=["therapists_see_assigned_only"])
    client.force_login(therapist)

    response = client.get(reverse("intake:staff_summary_pdf", kwargs={"pk": sent_without_pdfs.pk}))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_an_unknown_intake_is_404_for_staff(client, therapist):
    client.force_login(therapist)

    response = client.get(reverse("intake:staff_summary_pdf", kwargs={"pk": 999_999}))

    assert response.status_code == 404


def test_a_missing_pdf_is_rendered_at_download(client, client_user, therapist):
    intake = intake_build(client=client_user)  # the render task never ran
    client.force_login(therapist)

    response = client.get(reverse("intake:staff_summary_pdf", kwargs={"pk": intake.pk}))

    assert response.status_code == 200
    assert SummaryDocument.objects.filter(intake=intake, audience=STAFF, is_current=True).count() == 1


def test_the_client_downloads_her_own_copy_and_it_is_audited(client, sent, client_user):
    client.force_login(client_user)

    response = client.get(reverse("intake:summary_pdf", kwargs={"pk": sent.pk}))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    document = SummaryDocument.objects.get(intake=sent, audience=CLIENT, is_current=True)
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == document.sha256
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD)
    assert (event.actor, event.client) == (client_user, client_user)


def test_another_client_gets_404_for_her_copy(client, sent_without_pdfs, second_client_user):
    client.force_login(second_client_user)

    response = client.get(reverse("intake:summary_pdf", kwargs={"pk": sent_without_pdfs.pk}))

    assert response.status_code == 404


def test_staff_cannot_use_the_clients_download(client, sent_without_pdfs, therapist):
    client.force_login(therapist)

    response = client.get(reverse("intake:summary_pdf", kwargs={"pk": sent_without_pdfs.pk}))

    assert response.status_code == 403


def test_a_therapist_asks_for_a_fresh_render(client, sent, therapist, django_capture_on_commit_callbacks):
    old = SummaryDocument.objects.get(intake=sent, audience=STAFF, is_current=True)
    client.force_login(therapist)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:staff_summary_rerender", kwargs={"pk": sent.pk}))

    assert response.status_code == 302
    new = SummaryDocument.objects.get(intake=sent, audience=STAFF, is_current=True)
    assert new.pk != old.pk
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_type="summary_document", actor=therapist
    ).exists()


def test_front_desk_cannot_ask_for_a_render(client, sent_without_pdfs, front_desk):
    client.force_login(front_desk)

    response = client.post(reverse("intake:staff_summary_rerender", kwargs={"pk": sent_without_pdfs.pk}))

    assert response.status_code == 403


def test_the_sent_intake_page_offers_her_copy(client, sent_without_pdfs, client_user):
    client.force_login(client_user)

    response = client.get(reverse("intake:summary"))

    assert reverse("intake:summary_pdf", kwargs={"pk": sent_without_pdfs.pk}) in response.content.decode()


def test_a_failed_render_is_retried(client_user, monkeypatch):
    from intake import tasks
    from intake.tasks import intake_summaries_render_task

    intake = intake_build(client=client_user)
    real = tasks.summaries_render
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OSError("disk full for a moment")
        return real(**kwargs)

    monkeypatch.setattr(tasks, "summaries_render", flaky)

    # Eagerly, Celery runs the retry at once instead of after the backoff.
    result = intake_summaries_render_task.apply(args=(intake.pk,), throw=False)

    assert result.successful()
    assert len(calls) == 2
    assert SummaryDocument.objects.filter(intake=intake, is_current=True).count() == 2


@pytest.mark.parametrize(
    ("outcome", "months_ago", "declined", "expected"),
    [
        ("live_birth", 3, False, "yes"),
        ("stillbirth", 3, False, "yes"),
        ("stillbirth", 30, False, "no"),
        ("stillbirth", None, True, "unknown"),
        ("miscarriage", 3, False, "no"),
    ],
)
def test_postpartum_is_said_only_when_known(outcome, months_ago, declined, expected):
    import datetime as dt

    from intake.pregnancy_history import postpartum_state

    class Entry:  # the facts history.latest_possible_date reads from an entry
        pass

    today = dt.date(2026, 11, 28)
    entry = Entry()
    entry.outcome = outcome
    entry.when_declined = declined
    entry.due_date = None
    entry.weeks = None
    if months_ago is None:
        entry.year = entry.month = None
    else:
        total = today.year * 12 + today.month - 1 - months_ago
        entry.year, entry.month = divmod(total, 12)
        entry.month += 1
    assert postpartum_state([entry], today) == expected


def test_a_deleted_file_rendered_again_to_the_same_bytes_is_kept(client, client_user, therapist, monkeypatch):
    """Rendered again within the same minute, the PDF is byte for byte the one lost, so it
    takes the same name: the repaired file must not be taken for a duplicate and deleted."""
    from intake import summary_services

    monkeypatch.setattr(summary_services, "render_pdf", lambda html: b"%PDF-1.7 the same bytes each time")
    intake = intake_build(client=client_user)
    first = summary_render(intake_id=intake.pk, audience=STAFF)
    Path(first.file.path).unlink()
    client.force_login(therapist)

    response = client.get(reverse("intake:staff_summary_pdf", kwargs={"pk": intake.pk}))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 the same bytes each time"
    current = SummaryDocument.objects.get(intake=intake, audience=STAFF, is_current=True)
    assert Path(current.file.path).exists()


def _insured_and_referred(intake):
    Intake.objects.filter(pk=intake.pk).update(
        heard_about=Intake.HeardAbout.HEALTH_PROVIDER,
        referring_provider="Dr. Lena Ortiz",
        referring_practice="Cherry Creek Midwives",
        referrer_may_know=True,
        payment_method=Intake.PaymentMethod.INSURANCE,
        insurance_plan="Anthem Blue PPO",
        insurance_member_id="XJH884120377",
        insurance_group_number="GRP55120",
        secondary_insurance_plan="Cigna Open Access",
        secondary_member_id="CIG7731904",
    )


def _card_photo(intake, client_user):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), "#3366aa").save(buffer, format="PNG")
    card_image_store(
        intake=intake,
        side=InsuranceCardImage.Side.FRONT,
        upload=SimpleUploadedFile("card.png", buffer.getvalue(), content_type="image/png"),
        actor=client_user,
    )


def test_the_practice_copy_shows_where_she_came_from_and_how_she_pays(client_user):
    intake = intake_build(client=client_user)
    _insured_and_referred(intake)

    document = summary_render(intake_id=intake.pk, audience=STAFF)
    keep(document, "summary-staff-payment.pdf")
    text = flat(pdf_text(document))

    assert "How she found us, and paying for sessions" in text
    for shown in (
        "My doctor, midwife or another provider",
        "Dr. Lena Ortiz",
        "Cherry Creek Midwives",
        "Referrer may know she made contact Yes",
        "I would like to use my health insurance",
        "Anthem Blue PPO",
        "Cigna Open Access",
    ):
        assert shown in text, shown


def test_the_practice_copy_has_no_member_number_and_no_card_image(client_user):
    # The photo is taken while she fills the form in; the copy is of her draft.
    intake = intake_build(client=client_user, submit=False)
    _insured_and_referred(intake)
    _card_photo(intake, client_user)

    document = summary_render(intake_id=intake.pk, audience=STAFF)
    text = flat(pdf_text(document))

    assert InsuranceCardImage.objects.filter(intake=intake).exists()
    for hidden in ("XJH884120377", "GRP55120", "CIG7731904", "Front of the card"):
        assert hidden not in text, hidden
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert [image.name for page in reader.pages for image in page.images] == []


def test_a_self_paying_client_who_said_nothing_of_a_referral_is_shown_so(client_user):
    intake = intake_build(client=client_user)
    Intake.objects.filter(pk=intake.pk).update(
        heard_about="", payment_method=Intake.PaymentMethod.SELF_PAY, insurance_plan=""
    )

    text = flat(pdf_text(summary_render(intake_id=intake.pk, audience=STAFF)))

    assert "Heard about us Not answered" in text
    assert "How sessions will be paid I will pay for sessions myself" in text
    assert "Insurance plan" not in text


def test_the_clients_copy_has_no_payment_section(client_user):
    intake = intake_build(client=client_user)
    _insured_and_referred(intake)

    text = flat(pdf_text(summary_render(intake_id=intake.pk, audience=CLIENT)))

    assert "How she found us, and paying for sessions" not in text
    assert "Anthem Blue PPO" not in text
