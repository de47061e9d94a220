"""What `make bench` measures. Each scenario takes the Bench and records measurements.

Add a scenario function to SCENARIOS for each new page or job worth watching.
"""

from __future__ import annotations

from bench.names import (
    HELLO_FLOOR,
    PDF_FLOOR,
    SIGNED_IN_FLOOR,
    STAFF_FLOOR,
    STAFF_FLOOR_EMAIL,
    STAFF_PASSWORD,
    THERAPIST_EMAIL,
    TOTP_SECRET,
)
from bench.scenarios_scale import intake_steps, scales, submit_to_pdf, targets, throughput

PLAIN_PAGE = """<!DOCTYPE html><html><head><style>@page { size: letter; margin: 1in; }
body { font-family: 'DejaVu Sans'; font-size: 11pt; }</style></head><body><h1>Floor</h1>
<p>A one-page plain document, the least WeasyPrint can be asked to do.</p>
<table><tr><th>a</th><td>1</td></tr><tr><th>b</th><td>2</td></tr></table></body></html>"""


def floors(bench) -> None:
    from django.test import Client

    from portal.models import User

    client = Client()
    bench.request(HELLO_FLOOR, client, "get", "/__bench__/hello/", floor=HELLO_FLOOR)
    person, _ = User.objects.get_or_create(email="bench-floor@example.com", defaults={"full_name": "Floor"})
    signed_in = Client()
    signed_in.force_login(person)
    bench.request(SIGNED_IN_FLOOR, signed_in, "get", "/__bench__/hello/", floor=SIGNED_IN_FLOOR)
    from portal.services import user_create_staff, user_mfa_activate_totp

    therapist = user_create_staff(
        email=STAFF_FLOOR_EMAIL, full_name="Floor T", role="therapist", password=STAFF_PASSWORD
    )
    user_mfa_activate_totp(user=therapist, secret=TOTP_SECRET)
    staff = Client()
    staff.force_login(therapist)
    bench.request(STAFF_FLOOR, staff, "get", "/__bench__/staff-hello/", floor=STAFF_FLOOR)

    from weasyprint import HTML

    bench.call(
        PDF_FLOOR, lambda: HTML(string=PLAIN_PAGE).write_pdf(), floor=PDF_FLOOR, runs=max(10, bench.runs // 3)
    )


def public_pages(bench) -> None:
    from django.test import Client

    from portal.models import Practice

    Practice.objects.get_or_create(
        name="Bench practice",
        defaults={
            "address_line1": "1 Main St",
            "postal_code": "80218",
            "phone": "303",
            "email": "p@example.com",
        },
    )
    client = Client()
    bench.request("landing page (anonymous)", client, "get", "/", floor=HELLO_FLOOR)
    bench.request("sign-in page (anonymous)", client, "get", "/accounts/login/", floor=HELLO_FLOOR)
    bench.request("health check", client, "get", "/healthz", floor=HELLO_FLOOR)


def signed_in_pages(bench) -> None:
    from django.test import Client

    from portal.models import User
    from portal.services import user_create_staff, user_mfa_activate_totp

    client_user, _ = User.objects.get_or_create(
        email="bench-client@example.com", defaults={"full_name": "Bench"}
    )
    client = Client()
    client.force_login(client_user)
    bench.request("client home", client, "get", "/welcome/", floor=HELLO_FLOOR)

    therapist = user_create_staff(
        email=THERAPIST_EMAIL, full_name="Bench T", role="therapist", password=STAFF_PASSWORD
    )
    user_mfa_activate_totp(user=therapist, secret=TOTP_SECRET)
    staff = Client()
    staff.force_login(therapist)
    bench.request("staff home (therapist)", staff, "get", "/staff/", floor=HELLO_FLOOR)


def pdf_summary(bench) -> None:
    """The intake PDF summary of a typical intake (three losses and a birth, every screener,
    a page of the client's own words) against the one-page WeasyPrint floor."""
    import datetime as dt

    from django.template.loader import render_to_string
    from django.utils import timezone

    from intake.models import Intake
    from intake.summary import TEMPLATE_NAME, intake_summary_context
    from intake.summary_services import summary_render
    from portal.models import User
    from portal.pdf import render_pdf
    from tests.intake.summary_samples import intake_build

    if not bench.wanted("PDF summary"):
        return
    from pathlib import Path

    from django.conf import settings
    from django.core.files.storage import FileSystemStorage

    from intake.models import SummaryDocument

    # Keep the bench's PDFs out of the development private folder.
    location = Path(settings.VAR_DIR) / "bench" / "private"
    SummaryDocument._meta.get_field("file").storage = FileSystemStorage(location=location)
    client, _ = User.objects.get_or_create(
        email="bench-pdf@example.com", defaults={"full_name": "Hope Rivera"}
    )
    intake = Intake.objects.filter(client=client).exclude(status=Intake.Status.DRAFT).first()
    if intake is None:
        intake = intake_build(client=client)
    runs = max(10, bench.runs // 3)
    context = intake_summary_context(intake=intake, audience="staff")
    html = render_to_string(TEMPLATE_NAME, {**context, "generated_at": "now"})
    pages = render_pdf(html).count(b"/Type /Page\n") or None
    bench.call(
        "PDF summary: typical intake, WeasyPrint render",
        lambda: render_pdf(html),
        floor=PDF_FLOOR,
        runs=runs,
        pages=pages,
    )

    def full() -> None:
        # A forced render each time: context, template, WeasyPrint, SHA-256 and storage.
        summary_render(intake_id=intake.pk, requested_after=timezone.now() + dt.timedelta(seconds=1))

    bench.call("PDF summary: typical intake, whole service (stored)", full, floor=PDF_FLOOR, runs=runs)


SCENARIOS = [
    floors,
    public_pages,
    signed_in_pages,
    intake_steps,
    scales,
    throughput,
    pdf_summary,
    submit_to_pdf,
    targets,
]
