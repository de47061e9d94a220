"""Named personas and shared fixtures for the whole suite."""

import contextlib
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connections
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from intake.models import ConsentDocument
from intake.reference_data import consent_documents_seed
from portal.models import Practice, User
from portal.reference_data import practice_ensure
from scheduling.models import SessionType
from scheduling.reference_data import service_codes_fill, session_types_seed
from tests.portal.factories import PracticeFactory, StaffFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, request):
    """A reused SQLite test database (--reuse-db, the default in pyproject) is one file in
    this checkout's var/: the test settings name a new file for each run, never found again."""
    database = connections["default"].settings_dict
    if request.config.getvalue("reuse_db") and database["ENGINE"] == "django.db.backends.sqlite3":
        (ROOT / "var").mkdir(exist_ok=True)
        database["TEST"]["NAME"] = str(ROOT / "var" / "test.sqlite3")


def reference_data_seed() -> None:
    """The rows the data migrations seed and the portal cannot work without."""
    practice_ensure(Practice)
    consent_documents_seed(ConsentDocument)
    session_types_seed(SessionType)
    service_codes_fill(SessionType)


@receiver(post_migrate, dispatch_uid="tests_reference_data")
def _reference_data_put_back(sender, **kwargs) -> None:
    """Seed the reference data after every migrate and every flush, so that every test, in
    whatever order pytest runs them, starts with it.

    A test that commits (transactional, live server) ends with a flush that empties every
    table and then sends post_migrate, as Django does to bring back the content types; a
    reused test database (--reuse-db) is migrated, which sends it too.
    """
    if sender.label == "scheduling":  # once per migrate or flush, after both apps' tables exist
        reference_data_seed()


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
    path = ROOT / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
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
