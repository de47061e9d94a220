from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from kombu import Connection

from . import access
from .middleware import LAST_ACTIVITY_KEY, idle_timeout_for

BROKER_CHECK_TIMEOUT = 2


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/landing.html")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page their role starts from."""
    user = request.user
    if not user.is_authenticated:
        return redirect("portal:landing")
    if access.is_client(user):
        return redirect("portal:client_home")
    return redirect("portal:staff_home")


@require_GET
@access.client_required
def client_home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/client_home.html")


@require_GET
@access.staff_required
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/staff_home.html")


def _database_ok() -> bool:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_status() -> str:
    url = settings.CELERY_BROKER_URL
    if not url or url.startswith("memory://"):
        return "not configured"
    try:
        with Connection(url, connect_timeout=BROKER_CHECK_TIMEOUT) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_CHECK_TIMEOUT)
            # Redis connects lazily: ask it something to be sure it answers.
            conn.default_channel.client.ping()
    except Exception:
        return "error"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and compose: 200 when the database (and broker, if any) answer."""
    checks = {"database": "ok" if _database_ok() else "error", "broker": _broker_status()}
    healthy = all(value != "error" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _session_payload(request: HttpRequest) -> dict:
    import time

    last = request.session.get(LAST_ACTIVITY_KEY, time.time())
    timeout = idle_timeout_for(request.user)
    return {"signed_in": True, "remaining": max(0, int(last + timeout - time.time()))}


@never_cache
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How long until automatic sign-out; reading it does not count as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    return JsonResponse(_session_payload(request))


@never_cache
@require_POST
def session_keepalive(request: HttpRequest) -> JsonResponse:
    """The "Stay signed in" button: the request itself counts as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    return JsonResponse(_session_payload(request))
