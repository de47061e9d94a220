"""The therapist review of one intake: access, the page at a glance, and every action with
its audit row."""

import html as html_lib
import re

import pytest
from django.db import connection
from django.http import Http404
from django.urls import get_resolver, reverse
from django.utils import timezone

from intake.access import intake_for_staff, risk_flag_for_staff
from intake.instruments import instruments_for_step
from intake.models import Intake, InternalNote, RiskFlag, SummaryDocument
from intake.questionnaire_services import questionnaire_answers_save
from intake.review_services import (
    ERROR_ALREADY_ACKNOWLEDGED,
    ERROR_CLOSE_REASON,
    ERROR_FLAGS_OPEN,
    ERROR_NOT_A_THERAPIST,
    ERROR_REFERRAL_NOTE,
    ERROR_REFERRAL_RESOURCES,
    ERROR_TRANSITION,
    NOTE_REPEAT_WINDOW,
    ReviewError,
    intake_assign,
    intake_status_change,
    internal_note_add,
    risk_flag_acknowledge,
)
from portal.models import AuditEvent, User
from portal.selectors import practice_get
from tests.intake.factories_review import ASQ_ACUTE, answer, intake_with_answers, raise_flag, sent_intake
from tests.intake.screening_cases import PHQ9_ITEM_9_DECLINED, SCREENING_CASES, expected_statuses
from tests.portal.factories import StaffFactory

pytestmark = pytest.mark.django_db


def detail_url(intake):
    return reverse("intake:staff_detail", kwargs={"pk": intake.pk})


def action_url(name, intake):
    return reverse(f"intake:staff_{name}", kwargs={"pk": intake.pk})


def ack_url(flag):
    return reverse("intake:staff_flag_acknowledge", kwargs={"pk": flag.pk})


@pytest.fixture
def sent(client_user):
    return sent_intake(client=client_user, legal_name="Hope Rivera")


@pytest.fixture
def as_therapist(client, therapist):
    client.force_login(therapist)
    return client


@pytest.fixture
def assigned_only(practice):
    practice.therapists_see_assigned_only = True
    practice.save(update_fields=["therapists_see_assigned_only"])
    return practice


@pytest.fixture
def colleague(db):
    return StaffFactory(email="colleague@practice.example", role=User.Role.THERAPIST, mfa=False)


def screener_rows_shown(page: str) -> dict[str, str]:
    """The text of each row of the Questionnaires table, by instrument code."""
    rows = re.findall(r'<tr class="screener[^"]*" data-screener="(\w+)">(.*?)</tr>', page, re.S)
    return {code: " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for code, row in rows}


def safety_banner(page: str) -> str:
    """The safety section's text, tags removed."""
    section = page[page.index('<section id="safety"') : page.index('<section id="scores"')]
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", section)).split())


def audit_rows(intake, object_type="intake"):
    return AuditEvent.objects.filter(client=intake.client, object_type=object_type).order_by("pk")


# --- Access (intake.access): every branch


def test_therapist_may_open_any_sent_intake_by_default(therapist, colleague, sent):
    Intake.objects.filter(pk=sent.pk).update(assigned_therapist=colleague)

    assert intake_for_staff(user=therapist, pk=sent.pk) == sent


def test_with_assigned_only_a_therapist_sees_her_own_and_unassigned_intakes(
    therapist, colleague, assigned_only
):
    mine = sent_intake(assigned_therapist=therapist)
    unassigned = sent_intake()
    theirs = sent_intake(assigned_therapist=colleague)

    assert intake_for_staff(user=therapist, pk=mine.pk) == mine
    assert intake_for_staff(user=therapist, pk=unassigned.pk) == unassigned
    with pytest.raises(Http404):
        intake_for_staff(user=therapist, pk=theirs.pk)


def test_with_assigned_only_a_colleagues_intake_answers_404_everywhere(
    as_therapist, colleague, assigned_only
):
    theirs = sent_intake(assigned_therapist=colleague)
    flag = raise_flag(theirs, "urgent")

    assert as_therapist.get(detail_url(theirs)).status_code == 404
    assert as_therapist.post(action_url("note_add", theirs), {"body": "x"}).status_code == 404
    assert as_therapist.post(ack_url(flag), {}).status_code == 404
    assert theirs.pk not in [i.pk for i in as_therapist.get(reverse("intake:staff_queue")).context["page"]]


def test_the_practice_admin_sees_every_intake_even_with_assigned_only(
    practice_admin, colleague, assigned_only
):
    theirs = sent_intake(assigned_therapist=colleague)

    assert intake_for_staff(user=practice_admin, pk=theirs.pk) == theirs


def test_front_desk_and_clients_reach_no_intake_through_the_staff_helpers(front_desk, client_user, sent):
    flag = raise_flag(sent, "urgent")
    for user in (front_desk, client_user):
        with pytest.raises(Http404):
            intake_for_staff(user=user, pk=sent.pk)
        with pytest.raises(Http404):
            risk_flag_for_staff(user=user, pk=flag.pk)


def test_a_draft_reaches_staff_only_once_it_raised_a_same_day_flag(therapist, client_user):
    draft = sent_intake(client=client_user, status="draft", submitted_at=None)
    with pytest.raises(Http404):
        intake_for_staff(user=therapist, pk=draft.pk)
    raise_flag(draft, "elevated")
    with pytest.raises(Http404):
        intake_for_staff(user=therapist, pk=draft.pk)

    raise_flag(draft, "high")

    assert intake_for_staff(user=therapist, pk=draft.pk) == draft


def test_a_malformed_or_unknown_id_is_404(therapist):
    for pk in ("abc", 999999):
        with pytest.raises(Http404):
            intake_for_staff(user=therapist, pk=pk)


def test_front_desk_is_refused_every_review_url_with_403(client, front_desk, sent):
    flag = raise_flag(sent, "urgent")
    client.force_login(front_desk)

    assert client.get(reverse("intake:staff_queue")).status_code == 403
    assert client.get(detail_url(sent)).status_code == 403
    for name in ("assign", "status", "note_add"):
        assert client.post(action_url(name, sent), {}).status_code == 403
    assert client.post(ack_url(flag), {f"ack{flag.pk}-follow_up": "other"}).status_code == 403
    assert not InternalNote.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, client=sent.client).exists()


def test_there_is_no_url_to_edit_or_delete_a_note():
    names = [name for name in get_resolver().reverse_dict if isinstance(name, str)]

    assert [n for n in names if "note" in n and n != "staff_note_add"] == []


# --- The page at a glance


def test_detail_shows_the_exact_answers_that_raised_the_flag_and_the_scores(as_therapist, sent):
    answer(sent, "asq", ASQ_ACUTE)
    answer(sent, "phq9", {str(n): 2 for n in range(1, 10)})
    raise_flag(sent, "urgent")

    html = as_therapist.get(detail_url(sent)).content.decode()

    assert "Are you having thoughts of killing yourself right now?" in html
    assert "Acute positive screen (imminent risk)" in html
    assert "<strong>18</strong> / 27" in html
    assert "Moderately severe" in html
    assert "Thoughts that you would be better off dead" in html  # the item view


@pytest.mark.parametrize("case", SCREENING_CASES)
def test_every_offered_screener_has_a_row_on_the_detail_page(as_therapist, case):
    answers, statuses = SCREENING_CASES[case]
    intake = intake_with_answers(answers=answers)
    offered = [i.code for i in instruments_for_step(practice_get().epds_enabled)]

    rows = screener_rows_shown(as_therapist.get(detail_url(intake)).content.decode())

    assert list(rows) == offered
    for code, status in expected_statuses(offered, statuses).items():
        assert status in rows[code], (code, rows[code])
    assert not any("at least 0" in row for row in rows.values())


def test_a_declined_phq9_item_9_is_shown_as_declined_in_the_safety_banner(as_therapist):
    intake = intake_with_answers(answers={"phq9": PHQ9_ITEM_9_DECLINED})

    banner = safety_banner(as_therapist.get(detail_url(intake)).content.decode())

    item_9 = "Thoughts that you would be better off dead or of hurting yourself in some way"
    assert f"PHQ-9 Item 9: {item_9} → Declined" in banner
    assert "Prefer not to answer" not in banner


def test_the_safety_banner_shows_a_changed_answer_once_with_what_it_is_now(as_therapist):
    intake = intake_with_answers(answers={"phq9": {"9": 1}}, sent=False)
    for later in (3, 0):
        questionnaire_answers_save(intake=intake, code="phq9", answers={"9": later}, actor=intake.client)

    banner = safety_banner(as_therapist.get(detail_url(intake)).content.decode())

    assert banner.count("Item 9:") == 1
    assert "→ Nearly every day" in banner
    assert "since changed to: Not at all" in banner
    assert "Several days" not in banner


def test_detail_sections_follow_the_order_of_the_pdf(as_therapist, sent):
    html = as_therapist.get(detail_url(sent)).content.decode()

    ids = ["safety", "scores", "pregnancies", "symptoms", "history", "support", "consents", "own-words"]
    positions = [html.index(f'<section id="{section}"') for section in ids]
    assert positions == sorted(positions)


def test_opening_an_intake_records_a_view_with_the_notes_it_showed(as_therapist, therapist, sent):
    internal_note_add(intake=sent, author=therapist, body="Left a voicemail.")

    as_therapist.get(detail_url(sent))

    view = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, object_type="intake")
    assert (view.actor, view.client, view.object_id) == (therapist, sent.client, str(sent.pk))
    assert "1 internal notes" in view.detail


def test_detail_shows_a_telehealth_client_outside_colorado(as_therapist, sent):
    Intake.objects.filter(pk=sent.pk).update(modality="telehealth", in_colorado="no")

    assert "Telehealth is only possible while" in as_therapist.get(detail_url(sent)).content.decode()


# --- Assignment


@pytest.mark.parametrize(
    ("outcome", "year", "shown"),
    [
        ("stillbirth", "this month", "postpartum (birth within a year)"),
        ("stillbirth", None, "postpartum not known (a birth without a date)"),
        ("miscarriage", "this month", None),
    ],
)
def test_detail_says_postpartum_only_when_the_history_shows_it(as_therapist, sent, outcome, year, shown):
    from django.utils import timezone

    from intake.models import PregnancyEntry

    today = timezone.localdate()
    when = {"month": today.month, "year": today.year} if year else {}
    PregnancyEntry.objects.create(intake=sent, order=1, outcome=outcome, **when)
    html = as_therapist.get(reverse("intake:staff_detail", kwargs={"pk": sent.pk})).content.decode()
    if shown is None:
        assert "postpartum (birth" not in html
        assert "postpartum not known" not in html
    else:
        assert shown in html


def test_a_therapist_assigns_herself_in_one_click(as_therapist, therapist, sent):
    response = as_therapist.post(action_url("assign", sent), {"therapist": therapist.pk})

    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.assigned_therapist == therapist
    row = audit_rows(sent).get(action=AuditEvent.Action.UPDATE)
    assert row.actor == therapist
    assert f"assigned to user {therapist.pk}" in row.detail


def test_assigning_to_someone_who_is_not_a_therapist_is_refused(as_therapist, front_desk, sent):
    response = as_therapist.post(action_url("assign", sent), {"therapist": front_desk.pk})

    assert response.status_code == 400
    sent.refresh_from_db()
    assert sent.assigned_therapist is None
    with pytest.raises(ReviewError, match=str(ERROR_NOT_A_THERAPIST)):
        intake_assign(intake=sent, therapist=front_desk, actor=front_desk)


# --- Status workflow


def test_submitted_goes_to_review_then_accepted_with_an_audit_row_each(as_therapist, therapist, sent):
    assert as_therapist.post(action_url("status", sent), {"status": "in_review"}).status_code == 302
    assert as_therapist.post(action_url("status", sent), {"status": "accepted"}).status_code == 302

    sent.refresh_from_db()
    assert sent.status == Intake.Status.ACCEPTED
    assert sent.decided_by == therapist
    assert sent.decided_at is not None
    details = list(audit_rows(sent).filter(action=AuditEvent.Action.UPDATE).values_list("detail", flat=True))
    assert details == ["status submitted -> in_review", "status in_review -> accepted"]


def test_referring_out_keeps_the_note_and_the_resources_given(as_therapist, sent):
    Intake.objects.filter(pk=sent.pk).update(status="in_review")

    response = as_therapist.post(
        action_url("status", sent),
        {"status": "referred", "note": "Needs eating-disorder care.", "resources": "Eating Recovery Center"},
    )

    assert response.status_code == 302
    sent.refresh_from_db()
    assert (sent.status, sent.decision_note, sent.referral_resources) == (
        "referred",
        "Needs eating-disorder care.",
        "Eating Recovery Center",
    )
    assert audit_rows(sent).filter(detail="status in_review -> referred").exists()


def test_referring_out_without_a_note_or_resources_is_refused(as_therapist, therapist, sent):
    Intake.objects.filter(pk=sent.pk).update(status="in_review")

    response = as_therapist.post(action_url("status", sent), {"status": "referred"})

    assert response.status_code == 400
    assert str(ERROR_REFERRAL_NOTE) in response.content.decode()
    assert str(ERROR_REFERRAL_RESOURCES) in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == "in_review"


def test_closing_needs_a_reason(as_therapist, therapist, sent):
    with pytest.raises(ReviewError, match=str(ERROR_CLOSE_REASON)):
        intake_status_change(intake=sent, status="closed", actor=therapist)

    intake_status_change(intake=sent, status="closed", actor=therapist, note="Duplicate of another intake.")

    sent.refresh_from_db()
    assert (sent.status, sent.decision_note) == ("closed", "Duplicate of another intake.")


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("submitted", "accepted"),
        ("submitted", "referred"),
        ("accepted", "in_review"),
        ("closed", "in_review"),
    ],
)
def test_moves_the_workflow_does_not_allow_are_refused(therapist, sent, start, target):
    Intake.objects.filter(pk=sent.pk).update(status=start)

    with pytest.raises(ReviewError, match=str(ERROR_TRANSITION)):
        intake_status_change(intake=sent, status=target, actor=therapist, note="n", resources="r")

    sent.refresh_from_db()
    assert sent.status == start


def test_an_intake_with_an_unacknowledged_same_day_flag_cannot_be_decided(as_therapist, sent):
    Intake.objects.filter(pk=sent.pk).update(status="in_review")
    raise_flag(sent, "high")

    response = as_therapist.post(action_url("status", sent), {"status": "accepted"})

    assert response.status_code == 400
    assert str(ERROR_FLAGS_OPEN) in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == "in_review"


# --- Risk flags


def test_acknowledging_a_flag_records_what_was_done_and_keeps_the_level(
    as_therapist, therapist, sent, django_capture_on_commit_callbacks
):
    flag = raise_flag(sent, "urgent")
    prefix = f"ack{flag.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        response = as_therapist.post(
            ack_url(flag),
            {f"{prefix}-follow_up": "called_client", f"{prefix}-note": "Spoke at 2pm; safety plan agreed."},
        )

    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.acknowledged_by == therapist
    assert flag.acknowledged_at is not None
    assert (flag.follow_up, flag.acknowledgement_note) == (
        "called_client",
        "Spoke at 2pm; safety plan agreed.",
    )
    sent.refresh_from_db()
    assert sent.risk_level == "urgent"  # the flag stays; only its acknowledgement is added
    row = audit_rows(sent, "risk_flag").get()
    assert (row.actor, row.object_id, row.detail) == (
        therapist,
        str(flag.pk),
        "urgent flag acknowledged: called_client",
    )
    # The PDF summary was brought up to date after the commit.
    assert SummaryDocument.objects.filter(intake=sent, audience="staff", is_current=True).exists()


def test_a_flag_is_acknowledged_only_once_and_only_with_a_note(therapist, sent):
    flag = raise_flag(sent, "urgent")
    with pytest.raises(ReviewError):
        risk_flag_acknowledge(flag=flag, actor=therapist, follow_up="called_client", note="  ")
    with pytest.raises(ReviewError):
        risk_flag_acknowledge(flag=flag, actor=therapist, follow_up="made-up", note="Called.")

    risk_flag_acknowledge(flag=flag, actor=therapist, follow_up="safety_plan", note="Plan made.")

    with pytest.raises(ReviewError, match=str(ERROR_ALREADY_ACKNOWLEDGED)):
        risk_flag_acknowledge(flag=flag, actor=therapist, follow_up="other", note="")
    flag.refresh_from_db()
    assert flag.acknowledgement_note == "Plan made."


def test_a_second_acknowledgement_keeps_her_note_and_says_who_was_first(therapist, client, sent):
    second = StaffFactory(email="maya@practice.example", full_name="Maya Herrera", role=User.Role.THERAPIST)
    flag = raise_flag(sent, "urgent")
    risk_flag_acknowledge(flag=flag, actor=therapist, follow_up="called_client", note="Called at 2pm.")
    client.force_login(second)

    response = client.post(
        reverse("intake:staff_flag_acknowledge", args=[flag.pk]),
        {f"ack{flag.pk}-follow_up": "emergency_services", f"ack{flag.pk}-note": "Left a voicemail too."},
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Stephanie Poole acknowledged this flag at" in page
    assert "Your note and what you did are kept with the intake" in page
    flag.refresh_from_db()
    assert (flag.acknowledged_by, flag.acknowledgement_note) == (therapist, "Called at 2pm.")
    (kept,) = sent.notes.filter(author=second)
    assert kept.body.startswith("What was done: Contacted emergency services.")
    assert "Left a voicemail too." in kept.body
    assert "Stephanie Poole acknowledged" in kept.body


def test_acknowledging_again_from_a_second_tab_says_she_did_it_herself(therapist, client, sent):
    flag = raise_flag(sent, "urgent")
    risk_flag_acknowledge(flag=flag, actor=therapist, follow_up="called_client", note="Called at 2pm.")
    client.force_login(therapist)

    response = client.post(
        reverse("intake:staff_flag_acknowledge", args=[flag.pk]),
        {f"ack{flag.pk}-follow_up": "called_client", f"ack{flag.pk}-note": "Called again."},
        follow=True,
    )

    page = response.content.decode().replace("&#x27;", "'")
    assert "You had already acknowledged this flag at" in page
    assert "Stephanie Poole acknowledged" not in page


def test_after_acknowledging_the_flags_the_intake_can_be_accepted(therapist, sent):
    flag = raise_flag(sent, "urgent")
    intake_status_change(intake=sent, status="in_review", actor=therapist)
    risk_flag_acknowledge(flag=flag, actor=therapist, follow_up="emergency_services", note="911 called.")

    intake_status_change(intake=sent, status="accepted", actor=therapist)

    assert Intake.objects.get(pk=sent.pk).status == "accepted"


# --- Internal notes: append-only


def test_a_note_is_added_with_its_author_time_and_an_audit_row(
    as_therapist, therapist, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = as_therapist.post(action_url("note_add", sent), {"body": "  Called; no answer.  "})

    assert response.status_code == 302
    note = InternalNote.objects.get()
    assert (note.intake, note.author, note.body) == (sent, therapist, "Called; no answer.")
    assert note.created_at is not None
    assert audit_rows(sent, "internal_note").get().object_id == str(note.pk)
    assert callbacks  # the PDF summary refresh, queued for after the commit
    html = as_therapist.get(detail_url(sent)).content.decode()
    assert "Called; no answer." in html
    assert therapist.get_full_name() in html


def test_a_correction_is_a_new_note_and_the_first_one_stays(therapist, sent):
    first = internal_note_add(intake=sent, author=therapist, body="Prefers evenings.")
    internal_note_add(intake=sent, author=therapist, body="Correction: prefers mornings.")

    assert list(sent.notes.values_list("body", flat=True)) == [
        "Prefers evenings.",
        "Correction: prefers mornings.",
    ]
    first.refresh_from_db()
    assert first.body == "Prefers evenings."


def test_the_same_note_sent_twice_by_a_double_click_is_kept_once(as_therapist, sent):
    for _ in range(2):
        response = as_therapist.post(action_url("note_add", sent), {"body": "Left a voicemail."})
        assert response.status_code == 302

    assert list(sent.notes.values_list("body", flat=True)) == ["Left a voicemail."]
    assert audit_rows(sent, "internal_note").count() == 1


def test_the_same_words_written_again_later_are_a_second_note(therapist, sent):
    InternalNote.objects.create(
        intake=sent,
        author=therapist,
        body="Left a voicemail.",
        created_at=timezone.now() - NOTE_REPEAT_WINDOW,
    )

    internal_note_add(intake=sent, author=therapist, body="Left a voicemail.")

    assert sent.notes.count() == 2


def test_an_empty_note_is_refused(as_therapist, sent):
    response = as_therapist.post(action_url("note_add", sent), {"body": "   "})

    assert response.status_code == 400
    assert not InternalNote.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL only")
def test_the_database_refuses_to_change_or_delete_a_note(therapist, sent):
    from django.db import DatabaseError, transaction

    note = internal_note_add(intake=sent, author=therapist, body="Original.")
    with pytest.raises(DatabaseError), transaction.atomic():
        InternalNote.objects.filter(pk=note.pk).update(body="Rewritten.")
    with pytest.raises(DatabaseError), transaction.atomic():
        InternalNote.objects.filter(pk=note.pk).delete()

    assert InternalNote.objects.get(pk=note.pk).body == "Original."


def test_flags_are_listed_open_first_most_severe_at_the_top(as_therapist, therapist, sent):
    elevated = raise_flag(sent, "elevated")
    urgent = raise_flag(sent, "urgent")
    high = raise_flag(sent, "high")
    RiskFlag.objects.filter(pk=urgent.pk).update(acknowledged_at=urgent.raised_at, acknowledged_by=therapist)

    flags = [view.flag for view, _form in as_therapist.get(detail_url(sent)).context["flags"]]

    assert flags == [high, elevated, urgent]


def test_the_decision_form_offers_only_the_moves_allowed_from_here(as_therapist, sent):
    offered = as_therapist.get(detail_url(sent)).context["status_form"].fields["status"].choices
    assert [value for value, _label in offered] == ["in_review", "closed"]

    Intake.objects.filter(pk=sent.pk).update(status="closed")

    assert "Save decision" not in as_therapist.get(detail_url(sent)).content.decode()


def test_demo_data_has_urgent_elevated_and_routine_sent_intakes_and_can_run_twice(practice):
    from intake.review_demo import demo_intakes_seed

    first = demo_intakes_seed(password="demo-Passphrase-2026")
    again = demo_intakes_seed(password="demo-Passphrase-2026")

    assert [i.pk for i in first] == [i.pk for i in again]
    levels = sorted(Intake.objects.get(pk=i.pk).risk_level for i in first)
    assert levels == ["elevated", "routine", "routine", "urgent"]
    assert {Intake.objects.get(pk=i.pk).status for i in first} == {"submitted"}
    assert RiskFlag.objects.filter(intake__in=first, level="urgent").exists()


def test_demo_data_shows_a_partner_a_neonatal_death_a_twin_loss_and_ivf(practice):
    from intake.models import HardDate, PregnancyEntry
    from intake.review_demo import demo_intakes_seed

    seeded = demo_intakes_seed(password="demo-Passphrase-2026")

    entries = PregnancyEntry.objects.filter(intake__in=seeded)
    assert Intake.objects.filter(pk__in=[i.pk for i in seeded], pregnancy_role="partner").count() == 1
    assert entries.filter(outcome="neonatal_death").exists()
    twins = entries.get(outcome="multiples_loss")
    assert twins.baby_outcomes == ["neonatal_death", "live_birth"]
    assert entries.filter(fertility_treatment="ivf").count() >= 2
    assert entries.filter(outcome="current", due_date__isnull=False).exists()
    assert HardDate.objects.filter(intake__in=seeded).count() == 3
