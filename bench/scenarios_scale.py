"""The scenarios that need data or other processes: the intake steps and autosave, the
therapist and front desk pages at 1,000 and 10,000 intakes, load through gunicorn, and
submit-to-PDF-ready through a real Redis and Celery worker."""

from __future__ import annotations

import itertools
import json
import time

from bench.names import (
    APPOINTMENTS,
    DRAFT_EMAIL,
    FRONT_DESK_EMAIL,
    HELLO_FLOOR,
    LOAD_EMAIL,
    PDF_FLOOR,
    REVIEW_EMAIL,
    SIGNED_IN_FLOOR,
    SIZES,
    STAFF_PASSWORD,
    SUBMITS,
    THERAPIST_EMAIL,
    THERAPISTS,
    TOTP_SECRET,
)

AUTOSAVE_HEADERS = {"X-Requested-With": "fetch"}
STEP_ONE = {
    "legal_name": "Dana Bench",
    "preferred_name": "Dana",
    "pronouns": "she/her",
    "date_of_birth": "1990-05-17",
    "phone": "(720) 555-0101",
    "contact_email": DRAFT_EMAIL,
    "city": "Denver",
    "state": "CO",
    "postal_code": "80218",
    "action": "save",
}
PDF_WAIT_S = 60


def _signed_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _client_with_draft(email: str):
    from intake.draft_services import intake_get_or_start
    from intake.step_services import intake_save_step
    from portal.models import User

    user, _ = User.objects.get_or_create(email=email, defaults={"full_name": "Dana Bench"})
    intake = intake_get_or_start(client=user)
    data = {k: v for k, v in STEP_ONE.items() if k not in ("action", "date_of_birth")}
    intake_save_step(intake=intake, step=1, data=data, actor=user)
    return user


def _autosave_body(counter=itertools.count()) -> str:  # noqa: B008 - one counter on purpose
    # A different answer each time, so every request really writes.
    return json.dumps({"field": "hopes", "value": f"To sleep through the night ({next(counter)})."})


def intake_steps(bench) -> None:
    """A client with a draft: step 1 shown and saved, and one autosaved answer."""
    from django.urls import reverse

    names = ["intake step 1 (GET, draft)", "intake step 1 (POST, save)", "intake autosave (POST JSON)"]
    if not any(bench.wanted(name) for name in names):
        return
    client = _signed_in(_client_with_draft(DRAFT_EMAIL))
    step = reverse("intake:step", kwargs={"number": 1})
    bench.request(names[0], client, "get", step, floor=HELLO_FLOOR)
    bench.request(names[1], client, "post", step, floor=HELLO_FLOOR, data=STEP_ONE, expect=302)
    bench.request(
        names[2],
        client,
        "post",
        reverse("intake:autosave"),
        floor=HELLO_FLOOR,
        data=_autosave_body,
        content_type="application/json",
        headers=AUTOSAVE_HEADERS,
    )


def _staff(email: str, role: str):
    from portal.services import user_create_staff, user_mfa_activate_totp

    user = user_create_staff(email=email, full_name=f"Bench {role}", role=role, password=STAFF_PASSWORD)
    user_mfa_activate_totp(user=user, secret=TOTP_SECRET)
    return user


def _scale_setup(size: int) -> dict:
    """Top the database up to `size` intakes; the first time, also the reviewed intake, the
    front desk and the practice's calendar (10 therapists, 2,000 appointments)."""
    from bench import data
    from intake.models import Intake
    from portal.models import Practice, User
    from portal.selectors import practice_forget
    from scheduling.models import AppointmentRequest
    from tests.intake.summary_samples import intake_build

    # The bench's requests come from intakes nobody has accepted: a practice that books on
    # request, so the request page works out its suggestions (what is measured).
    Practice.objects.update(booking_gate=Practice.BookingGate.ON_REQUEST)
    practice_forget()
    reviewed_client, created = User.objects.get_or_create(
        email=REVIEW_EMAIL, defaults={"full_name": "Hope Rivera"}
    )
    if created:
        intake_build(client=reviewed_client)
        _staff(FRONT_DESK_EMAIL, "front_desk")
    missing = size - Intake.objects.count()
    if missing > 0:
        data.intakes_bulk_create(count=missing, prefix=f"c{size}")
    if not User.objects.filter(email="bench-therapist-0@bench.example").exists():
        clients = list(
            User.objects.filter(email__endswith="@bench.example", role=User.Role.CLIENT)
            .order_by("pk")
            .values_list("pk", flat=True)[:500]
        )
        _therapists, session_type_id = data.practice_calendar_create(
            therapists=THERAPISTS, appointments=APPOINTMENTS, clients=clients
        )
        data.open_requests_create(clients=clients[:40], session_type_id=session_type_id)
    request_pk = (
        AppointmentRequest.objects.filter(status=AppointmentRequest.Status.OPEN, preferred_therapist=None)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return {"reviewed": Intake.objects.get(client=reviewed_client).pk, "request": request_pk}


def _scale(bench, size: int) -> None:
    from django.urls import reverse

    from portal.models import User

    label = f"{size:,} intakes"
    names = {
        "queue": f"therapist queue, {label}",
        "detail": f"intake detail (therapist), {label}",
        "desk": f"front desk queue, {label}",
        "slots": f"slot suggestions, {THERAPISTS} therapists, {APPOINTMENTS:,} booked, {label}",
        "engine": f"slot engine alone, {THERAPISTS} therapists, {APPOINTMENTS:,} booked, {label}",
    }
    if not any(bench.wanted(name) for name in names.values()):
        return
    ids = _scale_setup(size)
    therapist = _signed_in(User.objects.get(email=THERAPIST_EMAIL))
    desk = _signed_in(User.objects.get(email=FRONT_DESK_EMAIL))
    # The slower pages get fewer runs: a third of the default, at least 10.
    slow = max(10, bench.runs // 3)
    bench.request(names["queue"], therapist, "get", reverse("intake:staff_queue"), floor=HELLO_FLOOR)
    bench.request(
        names["detail"],
        therapist,
        "get",
        reverse("intake:staff_detail", kwargs={"pk": ids["reviewed"]}),
        floor=HELLO_FLOOR,
    )
    bench.request(names["desk"], desk, "get", reverse("scheduling:queue"), floor=HELLO_FLOOR, runs=slow)
    bench.request(
        names["slots"],
        desk,
        "get",
        reverse("scheduling:request_detail", kwargs={"pk": ids["request"]}),
        floor=HELLO_FLOOR,
        runs=slow,
    )
    _slot_engine(bench, names["engine"], ids["request"])


def _slot_engine(bench, name: str, request_pk: int) -> None:
    """The suggestions the request page shows, without the page: the selector's queries and
    the engine's arithmetic (the issue's target is in milliseconds, for this)."""
    from scheduling.models import AppointmentRequest
    from scheduling.selectors import slots_for_desk

    def suggest() -> None:
        request_obj = AppointmentRequest.objects.select_related("session_type").get(pk=request_pk)
        slots_for_desk(request_obj)

    bench.call(name, suggest, floor=HELLO_FLOOR)


def scales(bench) -> None:
    """The staff pages at each size, smallest first (each tops the database up)."""
    for size in sorted(bench.sizes or SIZES):
        _scale(bench, size)


def _session_cookie(user, *, csrf: bool = False) -> dict[str, str]:
    """Headers that make a request from `user`'s own signed-in browser (with a CSRF token)."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    cookies = [f"{settings.SESSION_COOKIE_NAME}={session.session_key}"]
    headers = {}
    if csrf:
        secret = _get_new_csrf_string()
        cookies.append(f"{settings.CSRF_COOKIE_NAME}={secret}")
        headers[settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-")] = _mask_cipher_secret(
            secret
        )
    return {"Cookie": "; ".join(cookies), **headers}


def throughput(bench) -> None:
    """Requests per second through gunicorn (2 workers) on loopback, against the floor."""
    from django.urls import reverse

    from bench.load import Gunicorn, measure
    from intake.models import Intake
    from portal.models import User

    if not bench.wanted("throughput"):
        return
    size = Intake.objects.count()
    therapist = User.objects.get(email=THERAPIST_EMAIL)
    staff = _session_cookie(therapist)
    load_client = _client_with_draft(LOAD_EMAIL)
    autosave = {
        **_session_cookie(load_client, csrf=True),
        **AUTOSAVE_HEADERS,
        "Content-Type": "application/json",
    }
    body = json.dumps({"field": "hopes", "value": "To sleep through the night."})
    with Gunicorn() as server:
        floor = measure(f"{server.url}/__bench__/hello/")
        bench.throughput("throughput floor: hello-world", floor, floor["rps"])
        for name, path, headers, method in [
            ("throughput: landing page", "/", {}, "GET"),
            ("throughput: intake autosave (POST JSON)", reverse("intake:autosave"), autosave, "POST"),
            (f"throughput: therapist queue, {size:,} intakes", reverse("intake:staff_queue"), staff, "GET"),
            ("throughput: staff home (signed in)", "/staff/", staff, "GET"),
        ]:
            result = measure(
                server.url + path, headers, method=method, body=body if method == "POST" else None
            )
            bench.throughput(name, result, floor["rps"])


def submit_to_pdf(bench) -> None:
    """From intake_submit to the staff PDF stored, through a real Redis and Celery worker."""
    from pathlib import Path

    from django.conf import settings
    from django.test import override_settings

    from bench.worker import RedisAndWorker
    from intake.models import SummaryDocument
    from intake.submit_services import intake_submit
    from portal.models import User
    from tests.intake.summary_samples import celery_broker, intake_build

    name = f"submit to PDF ready (Redis + Celery worker, {SUBMITS} intakes)"
    if not bench.wanted(name):
        return
    if not RedisAndWorker.available():
        bench.skip(name, "redis-server not installed")
        return
    drafts = []
    for n in range(SUBMITS + 1):  # one more, untimed, while the worker warms up
        client, _ = User.objects.get_or_create(email=f"bench-submit-{n}@example.com")
        drafts.append((client, intake_build(client=client, submit=False)))
    pending = iter(drafts)
    timeouts = []

    def submit_and_wait() -> None:
        client, intake = next(pending)
        intake_submit(intake=intake, actor=client)
        deadline = time.monotonic() + PDF_WAIT_S
        ready = SummaryDocument.objects.filter(intake_id=intake.pk, audience="staff", is_current=True)
        while not ready.exists():
            if time.monotonic() > deadline:
                timeouts.append(intake.pk)
                return
            time.sleep(0.005)

    private = Path(settings.VAR_DIR) / "bench" / "private"
    with RedisAndWorker(private) as url, override_settings(), celery_broker(settings, url):
        measurement = bench.call(name, submit_and_wait, floor=PDF_FLOOR, runs=SUBMITS, warmup=1)
    measurement.notes["timeouts"] = len(timeouts)


def _result(bench, name: str):
    return next((m for m in bench.results if m.name == name), None)


def targets(bench) -> None:
    """The issue's targets beside the numbers: informational, never asserted."""
    sizes = sorted(bench.sizes or SIZES)
    small, large = f"{sizes[0]:,} intakes", f"{sizes[-1]:,} intakes"
    for page in ("therapist queue", "intake detail (therapist)", "front desk queue"):
        a, b = _result(bench, f"{page}, {small}"), _result(bench, f"{page}, {large}")
        if a and b:
            bench.target(
                f"{page}: same queries at {small} and {large}",
                f"{a.queries} / {b.queries}",
                a.queries == b.queries,
            )
    slots = [m for m in bench.results if m.name.startswith("slot suggestions")]
    if len(slots) >= 2:
        bench.target(
            f"slot suggestions: same queries at {small} and {large}",
            f"{slots[0].queries} / {slots[-1].queries}",
            slots[0].queries == slots[-1].queries,
        )
    for m in bench.results:
        if m.name.startswith(("slot suggestions", "slot engine alone")):
            bench.target(f"{m.name}: at most 20 ms", f"{m.median_ms:.1f} ms", m.median_ms <= 20)
    from django.db import connection

    autosave_limit = 8 if connection.vendor == "postgresql" else 5
    for name, limit in [
        ("intake autosave (POST JSON)", autosave_limit),
        (f"therapist queue, {large}", 20),
        (f"intake detail (therapist), {large}", 40),
        (f"front desk queue, {large}", 25),
        ("PDF summary: typical intake, WeasyPrint render", 3),
    ]:
        m = _result(bench, name)
        if m and m.ratio is not None:
            bench.target(f"{name}: at most {limit}x its floor", f"{m.ratio:.2f}x", m.ratio <= limit)
    pdf = next((m for m in bench.results if m.name.startswith("submit to PDF ready")), None)
    if pdf:
        bench.target("submit to PDF ready: p95 under 1 s", f"{pdf.p95_ms:.0f} ms", pdf.p95_ms < 1000)
    for prefix, share in [("throughput: intake autosave", 0.30), ("throughput: therapist queue", 0.10)]:
        load = next((x for x in bench.loads if x["name"].startswith(prefix)), None)
        if load:
            bench.target(
                f"{load['name']}: at least {share:.0%} of the floor's req/s",
                f"{load['share_of_floor']:.0%}",
                load["share_of_floor"] >= share,
            )
    signed_in = bench.floors.get(SIGNED_IN_FLOOR)
    for name in ("intake autosave (POST JSON)", f"therapist queue, {large}"):
        m = _result(bench, name)
        if m and signed_in:
            # Beside the target, not instead of it: how much is the page's own work.
            bench.target(
                f"{name}: x the signed-in floor (for information)", f"{m.median_ms / signed_in:.2f}x", None
            )
    if bench.loads:
        errors = sum(load["errors"] for load in bench.loads)
        bench.target("no errors under load", str(errors), errors == 0)
