"""The front desk's benefits check (who, when, what was found; no clinical content), the
"benefits to check" mark on its queue, and where clients came from: the About step's referral
answers and the owner's monthly report by source."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.forms_staff import BenefitsCheckForm
from intake.models import BenefitsCheck, Intake
from intake.selectors import referral_report
from intake.steps import ABOUT
from portal.models import AuditEvent
from tests.intake.factories import IntakeFactory
from tests.portal.factories import UserFactory
from tests.scheduling.factories import AppointmentRequestFactory

DENVER = timezone.get_default_timezone()


@pytest.fixture
def insured(client_user):
    return IntakeFactory(
        client=client_user,
        legal_name="Hope Rivera",
        payment_method=Intake.PaymentMethod.INSURANCE,
        insurance_plan="Anthem Blue Cross PPO",
        insurance_member_id="XJH220019",
        symptoms_other="Crying most days",
    )


def _check(client, user, intake, note="In network, $30 copay, deductible met."):
    client.force_login(user)
    return client.post(reverse("intake:benefits_check", kwargs={"pk": intake.pk}), {"note": note})


@pytest.mark.parametrize("persona", ["front_desk", "practice_admin"])
def test_billing_staff_record_a_benefits_check_with_who_and_what(client, request, insured, persona):
    user = request.getfixturevalue(persona)
    response = _check(client, user, insured)
    assert response.status_code == 302
    check = BenefitsCheck.objects.get(intake=insured)
    assert (check.checked_by, check.note) == (user, "In network, $30 copay, deductible met.")
    assert AuditEvent.objects.filter(
        actor=user, object_type="benefits_check", object_id=str(check.pk)
    ).exists()


@pytest.mark.parametrize("persona", ["therapist", "client_user"])
def test_other_roles_cannot_record_a_benefits_check(client, request, insured, persona):
    response = _check(client, request.getfixturevalue(persona), insured)
    assert response.status_code == 403
    assert not BenefitsCheck.objects.exists()


def test_an_empty_note_records_nothing(client, front_desk, insured):
    response = _check(client, front_desk, insured, note="   ")
    assert response.status_code == 302
    assert not BenefitsCheck.objects.exists()


def _refused_on_the_request_page(client, front_desk, insured, client_user, note):
    request = AppointmentRequestFactory(client=client_user)
    page_url = reverse("scheduling:request_detail", kwargs={"pk": request.pk})
    client.force_login(front_desk)
    response = client.post(
        reverse("intake:benefits_check", kwargs={"pk": insured.pk}), {"note": note, "next": page_url}
    )
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_a_note_too_long_is_kept_and_refused_beside_the_field(client, front_desk, insured, client_user):
    note = "In network, copay $30. " * 100  # 2300 characters

    page = _refused_on_the_request_page(client, front_desk, insured, client_user, note)

    assert 'id="id_benefits_note_error"' in page
    assert "Please keep this to 2000 characters or fewer: it has 2299." in page
    assert note.strip() in page
    assert "Ensure this value" not in page
    assert not BenefitsCheck.objects.exists()


def test_an_empty_note_says_what_is_needed_beside_the_field(client, front_desk, insured, client_user):
    page = _refused_on_the_request_page(client, front_desk, insured, client_user, "  ")

    assert 'id="id_benefits_note_error"' in page
    assert "Please write what the check found" in page


def test_the_note_field_is_limited_as_the_form_is(client, front_desk, insured, client_user):
    request = AppointmentRequestFactory(client=client_user)
    client.force_login(front_desk)

    page = client.get(reverse("scheduling:request_detail", kwargs={"pk": request.pk})).content.decode()

    assert f'maxlength="{BenefitsCheckForm.base_fields["note"].max_length}"' in page


def test_desk_queue_marks_requests_waiting_for_a_check_until_one_is_recorded(
    client, front_desk, insured, client_user, second_client_user
):
    IntakeFactory(client=second_client_user, payment_method=Intake.PaymentMethod.SELF_PAY)
    AppointmentRequestFactory(client=client_user)
    AppointmentRequestFactory(client=second_client_user)
    client.force_login(front_desk)
    page = client.get(reverse("scheduling:queue")).content.decode()
    assert page.count("Benefits to check") == 1
    _check(client, front_desk, insured)
    assert "Benefits to check" not in client.get(reverse("scheduling:queue")).content.decode()


def test_desk_request_page_shows_payment_details_but_nothing_clinical(
    client, front_desk, insured, client_user
):
    request = AppointmentRequestFactory(client=client_user)
    client.force_login(front_desk)
    page = client.get(reverse("scheduling:request_detail", kwargs={"pk": request.pk})).content.decode()
    assert "Anthem Blue Cross PPO" in page
    assert "XJH220019" in page
    assert "Waiting for a benefits check." in page
    assert "Crying most days" not in page


def test_about_step_keeps_the_referrer_and_her_permission(client, client_user):
    client.force_login(client_user)
    response = client.post(
        reverse("intake:step", kwargs={"number": ABOUT}),
        {
            "heard_about": "health_provider",
            "referring_provider": "Dr. Alana Whitfield",
            "referring_practice": "Cherry Creek Women's Health",
            "referrer_may_know": "True",
            "action": "save",
        },
    )
    assert response.status_code == 302
    intake = Intake.objects.get(client=client_user)
    assert (intake.referring_provider, intake.referring_practice) == (
        "Dr. Alana Whitfield",
        "Cherry Creek Women's Health",
    )
    assert intake.referrer_may_know is True


def test_therapist_sees_the_referral_on_the_intake(client, therapist, insured):
    Intake.objects.filter(pk=insured.pk).update(
        status=Intake.Status.SUBMITTED,
        submitted_at=timezone.now(),
        heard_about=Intake.HeardAbout.PSI,
        referring_provider="Dr. Alana Whitfield",
    )
    client.force_login(therapist)
    page = client.get(reverse("intake:staff_detail", kwargs={"pk": insured.pk})).content.decode()
    assert "Postpartum Support International (PSI)" in page
    assert "Dr. Alana Whitfield" in page


def _started(source: str, when: dt.datetime) -> Intake:
    return IntakeFactory(client=UserFactory(), heard_about=source, created_at=when)


def test_referral_report_counts_intakes_by_source_and_month(db):
    _started("psi", dt.datetime(2026, 3, 2, 9, tzinfo=DENVER))
    _started("psi", dt.datetime(2026, 3, 30, 9, tzinfo=DENVER))
    _started("health_provider", dt.datetime(2026, 3, 15, 9, tzinfo=DENVER))
    _started("psi", dt.datetime(2026, 4, 1, 0, 30, tzinfo=DENVER))  # just after midnight: April in Denver
    _started("", dt.datetime(2026, 5, 1, 9, tzinfo=DENVER))
    _started("psi", dt.datetime(2025, 12, 31, 9, tzinfo=DENVER))  # another year
    report = referral_report(year=2026)
    rows = dict(report.rows)
    assert rows["Postpartum Support International (PSI)"][2:4] == [2, 1]
    assert sum(rows["Postpartum Support International (PSI)"]) == 3
    assert rows["My doctor, midwife or another provider"][2] == 1
    assert rows["Not answered"][4] == 1
    assert report.months[0] == "2026-01"


def test_referral_report_csv_has_the_same_counts_and_no_names(client, practice_admin):
    _started("psi", dt.datetime(2026, 3, 2, 9, tzinfo=DENVER))
    client.force_login(practice_admin)
    response = client.get(reverse("intake:referral_report"), {"year": "2026", "format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    header, *lines = body.strip().splitlines()
    assert header.startswith("source,2026-01,")
    psi = next(line for line in lines if line.startswith("Postpartum Support International (PSI)"))
    assert psi.split(",")[3] == "1"
    assert psi.split(",")[-1] == "1"
    assert "@" not in body
    assert AuditEvent.objects.filter(actor=practice_admin, object_type="referral_report").exists()


@pytest.mark.parametrize("persona", ["front_desk", "therapist"])
def test_referral_report_is_for_the_owner_only(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("intake:referral_report")).status_code == 403


def test_referral_report_with_a_silly_year_shows_this_year(client, practice_admin):
    client.force_login(practice_admin)
    response = client.get(reverse("intake:referral_report"), {"year": "99999999999999999999"})
    assert response.status_code == 200
    assert str(timezone.localdate().year) in response.content.decode()
