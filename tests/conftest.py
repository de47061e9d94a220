"""Named personas and shared fixtures for the whole suite."""

import contextlib
import os
from pathlib import Path

import pytest
from django.core.cache import cache

from portal.models import User
from tests.factories import PracticeFactory, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth keeps rate-limit counters and used TOTP codes in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path, monkeypatch):
    """Generated clinical files (PDF summaries) go to a folder of the test's own.

    The storage of a FileField is built once, when the model is defined, so the field's
    storage is replaced as well as the setting (a worker subprocess reads the setting).
    """
    from django.core.files.storage import FileSystemStorage

    from intake.models import SummaryDocument

    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": location, "base_url": None}},
    }
    monkeypatch.setattr(
        SummaryDocument._meta.get_field("file"), "storage", FileSystemStorage(location=location)
    )


@pytest.fixture
def practice(db):
    return PracticeFactory()


@pytest.fixture
def client_user(db, practice):
    return UserFactory(email="hope@example.com", full_name="Hope Rivera")


@pytest.fixture
def second_client_user(db, practice):
    return UserFactory(email="june@example.com", full_name="June Park")


@pytest.fixture
def therapist(db, practice):
    return StaffFactory(
        email="therapist@practice.example", full_name="Stephanie Poole", role=User.Role.THERAPIST
    )


@pytest.fixture
def front_desk(db, practice):
    return StaffFactory(email="desk@practice.example", full_name="Jordan Ellis", role=User.Role.FRONT_DESK)


@pytest.fixture
def practice_admin(db, practice):
    return StaffFactory(email="admin@practice.example", full_name="Riley Chen", role=User.Role.PRACTICE_ADMIN)


@pytest.fixture
def personas(client_user, second_client_user, therapist, front_desk, practice_admin):
    """Every kind of visitor, keyed as in the access policy table."""
    return {
        "anon": None,
        "client": client_user,
        "client2": second_client_user,
        "front_desk": front_desk,
        "therapist": therapist,
        "admin": practice_admin,
    }


# Browser tests: Playwright drives Debian's Chromium (browsers are never downloaded here).
# Playwright runs an event loop in the test thread, so the ORM must be allowed beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def page(page):
    """pytest-playwright's page, which lets its last requests finish at the end of a test:
    a save still inside a transaction would deadlock the flush of a transactional test."""
    yield page
    settle(page)


def settle(page) -> None:
    """Wait until the page has had no request in flight for half a second (or give up)."""
    # A closed page, or one still busy after ten seconds: the flush copes with those.
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=10_000)


@pytest.fixture
def screenshot_dir():
    """Screenshots of browser journeys, kept for people to look at (git-ignored)."""
    path = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


AXE_SOURCE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const found = await axe.run(document, {resultTypes: ["violations"]});
  return found.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def axe():
    """Check the page with axe-core: no serious or critical accessibility violations (and,
    at a phone's width, no sideways scrolling of the whole page).

    The script is evaluated through the browser's debugging protocol, which the page's
    Content-Security-Policy does not govern, so the strict policy stays on during tests.
    """
    source = AXE_SOURCE.read_text()

    def check(page, where: str = "") -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(source)
        result = page.evaluate(AXE_RUN)
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert serious == [], f"accessibility problems on {where or page.url}: {serious}"
        if page.viewport_size and page.viewport_size["width"] <= PHONE["width"]:
            # Reflow (WCAG 1.4.10): on a phone nothing makes the whole page scroll sideways;
            # wide tables scroll inside their own .table-scroll box instead.
            wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, f"{where or page.url} is {wide}px wider than the phone's screen"
        return result

    return check


PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=["desktop", "phone"])
def viewport(request, page, screenshot_dir):
    """Run a browser journey twice: at the default desktop size and at a phone's (390x844).

    Returns the folder for that size's screenshots (phone ones under screenshots/phone/) and
    the size to give any extra browser context the test opens.
    """
    if request.param == "phone":
        page.set_viewport_size(PHONE)
        shots = screenshot_dir / "phone"
        shots.mkdir(exist_ok=True)
        return {"shots": shots, "size": PHONE}
    return {"shots": screenshot_dir, "size": page.viewport_size}


@pytest.fixture(autouse=True)
def _agreements_for_transactional_tests(request):
    """Put back the agreements and session types the data migrations seed, for browser and
    transactional tests.

    A transactional test flushes the database when it ends, taking migration-seeded rows
    with it; a live-server or transactional test that runs after one would otherwise find no
    agreements (and no client could send an intake).
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    if "live_server" not in request.fixturenames and not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    from intake.models import ConsentDocument
    from scheduling.models import SessionType

    # serialized_rollback normally brings them back; it has been seen not to after tests
    # whose threads opened connections of their own, so the seeds are checked here too.
    if not ConsentDocument.objects.exists():
        import_module("intake.migrations.0002_seed_consent_documents").seed(apps, None)
        import_module("intake.migrations.0013_consent_incomplete_versions").forward(apps, None)
    if not SessionType.objects.exists():
        import_module("scheduling.migrations.0003_seed_session_types").seed(apps, None)
    yield


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


def _uses_db(item) -> bool:
    return bool(item.get_closest_marker("django_db")) or "db" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Transactional tests last, and each restoring the migrations' rows.

    A transactional test ends by emptying the database, so every test that expects the rows
    the data migrations seed (agreements, session types) must run before the first of them.
    pytest-django orders them so, but pytest then groups the browser tests by Playwright's
    session-wide parameters and can pull them ahead: this runs after both and puts them back.

    Every transactional test also passes serialized_rollback=True. One that does not is
    flushed with post-migrate signals, which recreate content types under new ids; the next
    serialized test then fails to load them back ("UNIQUE constraint failed").
    """
    items.sort(key=lambda item: 1 if _transactional(item) else 0 if _uses_db(item) else 2)
    missing = [
        item.nodeid
        for item in items
        if (marker := item.get_closest_marker("django_db"))
        and marker.kwargs.get("transaction")
        and not marker.kwargs.get("serialized_rollback")
    ]
    if missing:
        raise pytest.UsageError(
            "Transactional tests must also pass serialized_rollback=True: " + ", ".join(missing)
        )
