"""The perinatal history (issue 16): the new outcomes and each baby of twins or more, the
partner path's words, hard dates, and the history at a glance on the staff page and page 1
of the PDF (its timeline's words in the PDF's text layer, read back with pdftotext)."""

import dataclasses
import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from intake import partner_words, pregnancy_history
from intake.instruments import INSTRUMENT_ORDER, Cutoff, get_instrument
from intake.models import HardDate, PregnancyEntry
from intake.summary import TEMPLATE_NAME, intake_summary_context
from intake.timeline import band_scale, timeline_drawing
from portal.models import AuditEvent
from portal.pdf import render_pdf
from tests.intake.factories import IntakeFactory, PregnancyEntryFactory
from tests.intake.factories_review import answer, raise_flag, sent_intake

pytestmark = pytest.mark.django_db

PREGNANCIES = 3


def step_url(number: int) -> str:
    return reverse("intake:step", kwargs={"number": number})


def detail_url(intake) -> str:
    return reverse("intake:staff_detail", kwargs={"pk": intake.pk})


def _words(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&").split())


def _pdf_page_one(intake) -> str:
    """Page 1 of the practice copy, as pdftotext reads its text layer."""
    context = intake_summary_context(intake=intake, audience="staff")
    pdf = render_pdf(render_to_string(TEMPLATE_NAME, {**context, "generated_at": "now"}))
    result = subprocess.run(  # noqa: S603 - fixed arguments, the PDF on stdin
        [shutil.which("pdftotext") or "pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode().split())


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


@pytest.fixture
def own_intake(client_user):
    return IntakeFactory(client=client_user, pregnancy_role="own")


@pytest.fixture
def partner_intake(client_user):
    return IntakeFactory(client=client_user, pregnancy_role="partner")


# --- Each new outcome, through the pregnancy form


@pytest.mark.parametrize(
    ("outcome", "label"),
    [
        ("neonatal_death", "A baby who died after birth, including in the NICU"),
        ("multiples_loss", "Twins or more, and one or more of the babies died"),
        ("chemical", "A very early loss, before a scan (chemical pregnancy)"),
        ("ended_other", "Ending a pregnancy for other reasons"),
    ],
)
def test_each_new_outcome_is_saved_and_shown_in_the_history(
    signed_in, own_intake, client, therapist, outcome, label
):
    response = signed_in.post(
        reverse("intake:pregnancy_add"), {"outcome": outcome, "month": "3", "year": "2025", "weeks": "20"}
    )

    assert response.status_code == 302
    entry = PregnancyEntry.objects.get(intake=own_intake)
    assert entry.outcome == outcome
    assert label in signed_in.get(step_url(PREGNANCIES)).content.decode()
    client.force_login(therapist)
    own_intake.status, own_intake.submitted_at = "submitted", timezone.now()
    own_intake.save(update_fields=["status", "submitted_at"])
    assert label in client.get(detail_url(own_intake)).content.decode()


def test_each_baby_of_twins_is_saved_with_its_own_outcome(signed_in, own_intake):
    response = signed_in.post(
        reverse("intake:pregnancy_add"),
        {
            "outcome": "multiples_loss",
            "baby_1": "stillbirth",
            "baby_2": "live_birth",
            "fertility_treatment": "ivf",
            "complications": ["preterm", "nicu"],
            "nicu_days": "21",
            "baby_name": "Wren and Ivy",
            "birth_words": "It was so fast.",
        },
    )

    assert response.status_code == 302
    entry = PregnancyEntry.objects.get(intake=own_intake)
    assert entry.baby_outcomes == ["stillbirth", "live_birth"]
    assert (entry.fertility_treatment, entry.nicu_days, entry.baby_name) == ("ivf", 21, "Wren and Ivy")
    page = signed_in.get(step_url(PREGNANCIES)).content.decode()
    assert "First baby: Stillborn; Second baby: Born alive and living" in page


def test_one_baby_alone_for_twins_is_refused_beside_the_first_baby(signed_in, own_intake):
    response = signed_in.post(
        reverse("intake:pregnancy_add"), {"outcome": "multiples_loss", "baby_1": "stillbirth"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["baby_1"] == [str(pregnancy_history.ERROR_BABY_OUTCOMES)]
    assert not PregnancyEntry.objects.filter(intake=own_intake).exists()


def test_weeks_with_rather_not_say_weeks_is_refused_next_to_weeks_and_keeps_what_was_typed(
    signed_in, own_intake
):
    response = signed_in.post(
        reverse("intake:pregnancy_add"),
        {"outcome": "miscarriage", "weeks": "8", "weeks_declined": "on", "note": "Kept words"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["weeks"] == [str(pregnancy_history.ERROR_WEEKS_AND_DECLINED)]
    page = response.content.decode()
    field = page[page.index('data-field="weeks"') :]
    assert field.index("rather not say") < field.index('name="weeks"')  # the message sits at the field
    assert 'value="8"' in page
    assert "Kept words" in page
    assert not PregnancyEntry.objects.filter(intake=own_intake).exists()


def test_a_year_long_past_is_refused_with_the_years_allowed_and_keeps_what_was_typed(signed_in, own_intake):
    response = signed_in.post(
        reverse("intake:pregnancy_add"), {"outcome": "miscarriage", "year": "1800", "note": "Spring"}
    )
    page = _words(response.content.decode())

    assert response.status_code == 200
    assert f"Please enter a year from 1940 to {timezone.localdate().year}." in page
    assert "four digits" not in page
    assert 'value="1800"' in response.content.decode()
    assert "Spring" in page
    assert not PregnancyEntry.objects.filter(intake=own_intake).exists()


def test_editing_in_a_number_of_weeks_beside_rather_not_say_is_refused(signed_in, own_intake):
    entry = PregnancyEntryFactory(intake=own_intake, weeks=None, weeks_declined=True)

    response = signed_in.post(
        reverse("intake:pregnancy_edit", kwargs={"pk": entry.pk}),
        {"outcome": "miscarriage", "weeks": "12", "weeks_declined": "on"},
    )

    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.weeks, entry.weeks_declined) == (None, True)


# --- The partner path, on every step whose words it changes


def test_step_2_asks_whose_pregnancies_and_saves_the_answer(signed_in, own_intake):
    page = signed_in.get(step_url(2)).content.decode()
    assert "Are you coming to us about your own pregnancies, or as a partner?" in page

    signed_in.post(step_url(2), {"pregnancy_role": "partner", "action": "save"})

    own_intake.refresh_from_db()
    assert own_intake.pregnancy_role == "partner"


@pytest.mark.parametrize(
    ("role", "shown", "not_shown"),
    [
        (
            "partner",
            [partner_words.PREGNANCY_STEP_TITLE, "you and your partner went through"],
            ["Your pregnancies", "This part asks about your pregnancies"],
        ),
        (
            "own",
            ["Your pregnancies", "This part asks about your pregnancies"],
            [partner_words.PREGNANCY_STEP_TITLE, "you and your partner went through"],
        ),
    ],
)
def test_the_pregnancy_step_speaks_of_the_pregnancies_you_and_your_partner_went_through(
    signed_in, client_user, role, shown, not_shown
):
    IntakeFactory(client=client_user, pregnancy_role=role)
    page = _words(signed_in.get(step_url(PREGNANCIES)).content.decode())

    for words in shown:
        assert str(words) in page
    for words in not_shown:
        assert str(words) not in page


def test_the_pregnancy_form_on_the_partner_path_assumes_nobody_carried_and_asks_how_it_was(
    signed_in, partner_intake
):
    page = _words(signed_in.get(reverse("intake:pregnancy_add")).content.decode())

    assert "A pregnancy now" in page
    assert "I am pregnant now" not in page
    assert "How was this for you?" in page
    assert "you and your partner went through" in page


def test_the_pregnancy_form_for_her_own_pregnancies_has_no_partner_question(signed_in, own_intake):
    page = _words(signed_in.get(reverse("intake:pregnancy_add")).content.decode())

    assert "I am pregnant now" in page
    assert "How was this for you?" not in page


def test_a_partners_own_experience_is_saved_and_shown_to_the_therapist(
    signed_in, partner_intake, client, therapist
):
    signed_in.post(
        reverse("intake:pregnancy_add"),
        {"outcome": "stillbirth", "own_experience": "I held it together for everyone."},
    )

    assert (
        PregnancyEntry.objects.get(intake=partner_intake).own_experience == "I held it together for everyone."
    )
    partner_intake.status, partner_intake.submitted_at = "submitted", timezone.now()
    partner_intake.save(update_fields=["status", "submitted_at"])
    client.force_login(therapist)
    page = _words(client.get(detail_url(partner_intake)).content.decode())
    assert "I held it together for everyone." in page
    assert "Whose pregnancies: My partner's: I am coming as a partner" in page


@pytest.mark.parametrize(("role", "shown"), [("partner", True), ("both", True), ("own", False), ("", False)])
def test_the_questionnaires_tell_a_partner_to_answer_about_themselves(signed_in, client_user, role, shown):
    IntakeFactory(client=client_user, pregnancy_role=role)
    page = _words(signed_in.get(step_url(5)).content.decode())

    assert (str(partner_words.QUESTIONNAIRE_NOTE) in page) is shown


def test_a_partner_is_told_only_of_the_questionnaire_first_written_for_the_pregnant_person(
    signed_in, client_user
):
    IntakeFactory(client=client_user, pregnancy_role="partner")
    page = _words(signed_in.get(step_url(5)).content.decode())

    assert "first written for the person who was pregnant" not in page  # PHQ-9 first
    assert "first written for the person who was pregnant" in partner_words.questionnaire_note(
        "epds", "partner"
    )
    assert partner_words.questionnaire_note("phq9", "partner") == str(partner_words.QUESTIONNAIRE_NOTE)
    assert partner_words.questionnaire_note("epds", "own") == ""


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (
            "partner",
            "Finding it hard to trust that a pregnancy will go well",
            "Finding it hard to trust your body",
        ),
        ("partner", "During a pregnancy you and your partner went through", "During a pregnancy<"),
        ("own", "Finding it hard to trust your body", "trust that a pregnancy will go well"),
        ("own", "During a pregnancy<", "you and your partner went through"),
    ],
)
def test_step_4_words_what_assumes_who_carried_for_a_partner(signed_in, client_user, role, shown, hidden):
    IntakeFactory(client=client_user, pregnancy_role=role)
    html = re.sub(r"\s+", " ", signed_in.get(step_url(4)).content.decode()).replace(" <", "<")

    assert shown in html
    assert hidden not in html


def test_a_partners_ticks_on_step_4_are_saved_under_the_same_answer(signed_in, client_user):
    intake = IntakeFactory(client=client_user, pregnancy_role="partner")
    response = signed_in.post(
        step_url(4), {"symptoms": ["body_trust"], "onset": "during_pregnancy", "action": "save"}
    )

    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.symptoms == ["body_trust"]
    assert intake.onset == "during_pregnancy"


@pytest.mark.parametrize(
    ("role", "label"),
    [
        ("partner", "Your partner's OB/GYN or midwife, if you would like to tell us (optional)"),
        ("own", "Your OB/GYN or midwife, if you have one (optional)"),
    ],
)
def test_the_health_step_asks_a_partner_for_their_partners_ob_gyn(signed_in, client_user, role, label):
    IntakeFactory(client=client_user, pregnancy_role=role)
    page = _words(signed_in.get(step_url(6)).content.decode())

    assert label in page


# --- Hard dates


def test_a_hard_date_is_added_and_audited(signed_in, own_intake, client_user):
    response = signed_in.post(reverse("intake:hard_date_add"), {"date": "2025-10-03", "what": "Her due date"})

    assert response.status_code == 302
    hard_date = HardDate.objects.get(intake=own_intake)
    assert (hard_date.date, hard_date.what) == (dt.date(2025, 10, 3), "Her due date")
    assert AuditEvent.objects.filter(client=client_user, object_type="hard_date").exists()
    assert "Her due date" in signed_in.get(step_url(PREGNANCIES)).content.decode()


def test_a_hard_date_without_a_date_is_refused_beside_the_field_and_keeps_the_words(signed_in, own_intake):
    response = signed_in.post(reverse("intake:hard_date_add"), {"date": "", "what": "Anniversary"})

    assert response.status_code == 200
    assert response.context["hard_date_form"].errors["date"] == [
        str(pregnancy_history.ERROR_HARD_DATE_REQUIRED)
    ]
    page = response.content.decode()
    assert 'value="Anniversary"' in page
    assert "The date is not added yet" in page
    assert not HardDate.objects.exists()


@pytest.mark.parametrize("page_name", ["intake:review", "intake:summary"])
def test_her_review_and_her_answers_list_her_hard_dates_to_check(signed_in, own_intake, page_name):
    HardDate.objects.create(intake=own_intake, date=dt.date(2025, 10, 3), what="Wren's due date")
    HardDate.objects.create(intake=own_intake, date=dt.date(2024, 2, 14), what="")
    response = signed_in.get(reverse(page_name))
    page = _words(response.content.decode())

    assert response.status_code == 200
    section = page[page.index("Dates that are hard for you") :]
    assert "Feb. 14, 2024" in section
    assert "Oct. 3, 2025: Wren's due date" in section


def test_her_review_says_when_no_hard_date_was_added(signed_in, own_intake):
    page = _words(signed_in.get(reverse("intake:review")).content.decode())

    assert "Dates that are hard for you None added." in page


def test_a_hard_date_of_another_client_cannot_be_removed(signed_in, second_client_user):
    theirs = HardDate.objects.create(
        intake=IntakeFactory(client=second_client_user), date=dt.date(2025, 1, 1)
    )

    response = signed_in.post(reverse("intake:hard_date_remove", kwargs={"pk": theirs.pk}))

    assert response.status_code == 404
    assert HardDate.objects.filter(pk=theirs.pk).exists()


def test_her_own_hard_date_is_removed_while_a_draft(signed_in, own_intake):
    mine = HardDate.objects.create(intake=own_intake, date=dt.date(2025, 1, 1))

    response = signed_in.post(reverse("intake:hard_date_remove", kwargs={"pk": mine.pk}))

    assert response.status_code == 302
    assert not HardDate.objects.filter(pk=mine.pk).exists()


def test_the_front_desk_never_sees_the_history_or_hard_dates(client, front_desk):
    intake = sent_intake(legal_name="Hope Rivera")
    HardDate.objects.create(intake=intake, date=dt.date(2025, 10, 3), what="Wren's due date")
    client.force_login(front_desk)

    response = client.get(detail_url(intake))

    assert response.status_code == 403
    assert "Wren" not in response.content.decode()


# --- At a glance: the synopsis, the counts, the timeline and the scales


@pytest.fixture
def history_intake():
    intake = sent_intake(legal_name="Hope Rivera")
    PregnancyEntryFactory(
        intake=intake,
        outcome="multiples_loss",
        month=5,
        year=2025,
        weeks=30,
        baby_outcomes=["stillbirth", "live_birth"],
        baby_name="Wren",
    )
    PregnancyEntryFactory(intake=intake, outcome="miscarriage", month=2, year=2024, weeks=9)
    PregnancyEntryFactory(intake=intake, outcome="neonatal_death", month=8, year=2023, weeks=39)
    HardDate.objects.create(intake=intake, date=dt.date(2025, 10, 3), what="Wren's due date")
    answer(intake, "phq9", {str(n): 1 for n in range(1, 10)} | {"9": 0})
    return intake


def test_the_staff_page_counts_twins_per_baby_and_shows_the_synopsis(client, therapist, history_intake):
    client.force_login(therapist)
    page = _words(client.get(detail_url(history_intake)).content.decode())
    synopsis = pregnancy_history.synopsis(list(history_intake.pregnancies.all()), timezone.localdate())

    assert "3 losses" in page  # the twins: one of each
    assert "1 live birth" in page
    # Newest first: the twins of 2025, then 2024, then 2023.
    assert synopsis.startswith("1 stillbirth, 2025 · 1 live birth, 2025 · 1 miscarriage, 2024")
    assert "1 baby who died after birth, 2023 · 1 pregnancy with twins or more" in synopsis
    assert synopsis in page


def test_the_staff_page_draws_the_timeline_with_its_words_and_each_scale(client, therapist, history_intake):
    client.force_login(therapist)
    html = client.get(detail_url(history_intake)).content.decode()
    start = html.index('id="glance"')
    glance = html[start : html.index("</section>", start)]

    assert '<svg xmlns="http://www.w3.org/2000/svg"' in glance
    assert 'aria-labelledby="timeline-title timeline-desc"' in glance
    words = re.search(r'<desc id="timeline-desc">(.*?)</desc>', glance).group(1)
    assert words.startswith("Timeline of 3 pregnancies, 2023 to ")
    assert "twins or more (stillborn; born alive)" in words
    assert "Hard dates: Oct. 3, 2025 (Wren&#x27;s due date)" in words
    assert words in glance[glance.index("<figcaption") :]  # and printed beside the picture
    assert 'data-scale="phq9"' in glance
    assert "PHQ-9: 8 of 27, Mild" in glance
    assert "<script" not in glance


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_page_one_of_the_pdf_holds_the_synopsis_and_the_timelines_words_in_its_text_layer(history_intake):
    page_one = _pdf_page_one(history_intake)
    facts_text = intake_summary_context(intake=history_intake, audience="staff")["glance"]

    assert " ".join(facts_text["synopsis"].split()) in page_one
    assert " ".join(facts_text["timeline"]["text"].split()) in page_one
    assert "Timeline of 3 pregnancies" in page_one
    assert "PHQ-9: 8 of 27, Mild" in page_one


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_an_urgent_intake_with_a_long_history_keeps_its_safety_level_and_flags_on_page_one():
    intake = sent_intake(legal_name="Rowan Ash")
    raise_flag(intake, level="urgent")
    outcomes = ["miscarriage", "stillbirth", "neonatal_death", "ended_other", "live_birth", "chemical"]
    for n in range(12):
        outcome = outcomes[n % len(outcomes)]
        PregnancyEntryFactory(intake=intake, outcome=outcome, month=n % 12 + 1, year=2014 + n)
    for n in range(8):
        HardDate.objects.create(intake=intake, date=dt.date(2016 + n, 3, 14), what=f"A hard day {n}")
    answer(intake, "phq9", {str(n): 2 for n in range(1, 10)} | {"9": 0})

    page_one = _pdf_page_one(intake)

    assert "SAFETY LEVEL" in page_one
    assert "Still to acknowledge: Urgent: same-day review." in page_one
    assert "thoughts of killing yourself right now?” → answer: Yes" in page_one
    assert page_one.index("Urgent: same-day review") < page_one.index("At a glance")


@pytest.mark.parametrize(
    ("role", "lead"),
    [("partner", "Coming as a partner: "), ("both", "Pregnancies of both partners: "), ("own", "")],
)
def test_the_synopsis_says_when_the_pregnancies_are_a_partners(client, therapist, history_intake, role, lead):
    history_intake.pregnancy_role = role
    history_intake.save(update_fields=["pregnancy_role"])
    client.force_login(therapist)
    page = _words(client.get(detail_url(history_intake)).content.decode())
    glance = intake_summary_context(intake=history_intake, audience="staff")["glance"]

    assert glance["synopsis"].startswith(f"{lead}1 stillbirth, 2025")
    assert glance["synopsis"] in page


def test_a_pregnancy_ended_for_other_reasons_is_counted_and_drawn_apart_from_the_losses(
    client, therapist, history_intake
):
    PregnancyEntryFactory(intake=history_intake, outcome="ended_other", month=1, year=2026, weeks=8)
    client.force_login(therapist)
    page = _words(client.get(detail_url(history_intake)).content.decode())
    drawing = timeline_drawing(list(history_intake.pregnancies.all()), [], dt.date(2026, 6, 1))

    assert "3 losses" in page  # as before it was added
    assert "1 pregnancy ended for other reasons, 2026" in page
    assert "last loss about 13 months ago" in pregnancy_history.synopsis(
        list(history_intake.pregnancies.all()), dt.date(2026, 6, 1)
    )
    assert drawing.svg.count('Z" fill="#000"') == 2  # the miscarriage and the legend's loss
    assert drawing.svg.count('Z" fill="#fff"') == 2  # the open diamond and its legend entry
    assert "other ending" in drawing.svg


def test_the_timelines_words_go_newest_first_like_the_synopsis(history_intake):
    drawing = timeline_drawing(list(history_intake.pregnancies.all()), [], dt.date(2026, 6, 1))

    assert drawing.text.startswith("Timeline of 3 pregnancies, 2023 to 2026, newest first: May 2025")
    assert (
        drawing.text.index("May 2025")
        < drawing.text.index("February 2024")
        < drawing.text.index("August 2023")
    )


def test_the_staff_pages_list_and_the_pdfs_table_go_newest_first(client, therapist, history_intake):
    PregnancyEntryFactory(intake=history_intake, outcome="current", month=None, year=None, weeks=None)
    client.force_login(therapist)
    html = client.get(detail_url(history_intake)).content.decode()
    listed = html[html.index('id="pregnancies"') :]
    rows = intake_summary_context(intake=history_intake, audience="staff")["history"]["entries"]

    outcomes = ["current", "multiples_loss", "miscarriage", "neonatal_death"]
    positions = [listed.index(f"timeline__entry--{outcome}") for outcome in outcomes]
    assert positions == sorted(positions)
    assert [row["when"] for row in rows] == ["Not answered", "May 2025", "February 2024", "August 2023"]


def test_the_pdf_and_the_staff_page_say_which_day_their_months_are_counted_from(client, therapist):
    intake = sent_intake(submitted_at=timezone.now() - dt.timedelta(days=40))
    PregnancyEntryFactory(intake=intake, outcome="miscarriage", month=1, year=2024)
    sent_day = timezone.localtime(intake.submitted_at).date()
    client.force_login(therapist)
    page = _words(client.get(detail_url(intake)).content.decode())
    html = render_to_string(TEMPLATE_NAME, {**intake_summary_context(intake=intake, audience="staff")})

    assert "Weeks and months are counted from today" in page
    assert "the PDF counts from the day the intake was sent" in page
    sent_words = date_format(sent_day, "M j, Y")
    assert f"Weeks and months are counted from {sent_words}, the day the intake was sent." in _words(html)


def test_the_clients_own_copy_has_no_scales_but_lists_her_hard_dates(history_intake):
    context = intake_summary_context(intake=history_intake, audience="client")

    assert context["glance"] is None
    assert context["history"]["hard_dates"] == [{"date": "Oct 3, 2025", "what": "Wren's due date"}]


# --- Band scales, for any instrument in the registry


@pytest.mark.parametrize(
    ("code", "total", "cutoff", "band", "text"),
    [
        (
            "phq9",
            12,
            None,
            "Moderate",
            "PHQ-9: 12 of 27, Moderate (bands: Minimal 0-4, Mild 5-9, Moderate 10-14",
        ),
        ("gad7", 21, None, "Severe", "GAD-7: 21 of 21, Severe"),
        ("epds", 13, None, "Probable depression", "EPDS: 13 of 30, Probable depression"),
        ("pcptsd5", 3, 3, "Positive", "PC-PTSD-5: 3 of 5, Positive (bands: Negative 0-2, Positive 3-5)"),
    ],
)
def test_a_band_scale_marks_the_total_on_the_instruments_bands(code, total, cutoff, band, text):
    drawing = band_scale(get_instrument(code), total, cutoff, band)

    assert drawing.text.startswith(text)
    assert f">{total}</text>" in drawing.svg
    assert "<desc" in drawing.svg
    assert "<title" in drawing.svg


def test_an_instrument_with_only_a_cut_off_gets_a_two_part_scale():
    # As a screen added to the registry later (a sum with a positive cut-off) is drawn.
    screen = dataclasses.replace(get_instrument("phq9"), bands=(), max_total=12, cutoff=Cutoff(3, 1, 12))

    drawing = band_scale(screen, 4, 3, "Positive")

    assert "(bands: Negative 0-2, Positive 3-12)" in drawing.text


def test_every_registered_instrument_with_a_total_is_drawn_or_says_why_not():
    for instrument in INSTRUMENT_ORDER:
        top = instrument.max_total
        drawing = band_scale(instrument, top, instrument.cutoff.default if instrument.cutoff else None, "x")
        assert (drawing is not None) is (top is not None), instrument.code


def test_no_total_draws_no_scale():
    assert band_scale(get_instrument("phq9"), None, None, "Incomplete") is None


def test_a_partners_own_pages_name_a_pregnancy_now_without_saying_who_carries_it(signed_in, partner_intake):
    entry = PregnancyEntryFactory(intake=partner_intake, outcome="current", month=None, year=None, weeks=None)

    for url in (
        step_url(PREGNANCIES),
        reverse("intake:review"),
        reverse("intake:pregnancy_remove", kwargs={"pk": entry.pk}),
    ):
        page = _words(signed_in.get(url).content.decode())
        assert "A pregnancy now" in page, url
        assert "I am pregnant now" not in page, url
        assert "Your pregnancies" not in page, url


def test_words_she_typed_are_escaped_inside_the_timeline():
    hostile = '<script>alert("x")</script>'
    hard_date = HardDate(date=dt.date(2025, 10, 3), what=hostile)

    drawing = timeline_drawing([], [hard_date], dt.date(2026, 11, 28))

    assert "<script" not in drawing.svg
    assert "&lt;script&gt;" in drawing.svg
    assert hostile in drawing.text  # plain words: the page and the PDF escape them when shown
