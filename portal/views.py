import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from kombu import Connection

from . import access
from .access import wants_json
from .audit import audit_events_list, audit_events_page, audit_lines, audit_record
from .crisis import CRISIS_LINES
from .csv_export import csv_lines
from .forms import AuditFilterForm
from .middleware import LAST_ACTIVITY_KEY, database_unavailable_response, idle_timeout_for, request_too_large
from .models import AuditEvent, User
from .storage import storage_problem

BROKER_CHECK_TIMEOUT = 2

logger = logging.getLogger(__name__)


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/landing.html")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the page their role starts from."""
    user = request.user
    if not user.is_authenticated:
        return redirect("portal:landing")
    if access.is_client(user):
        return redirect("portal:client_home")
    return redirect("portal:staff_home")


@require_safe
@access.client_required
def client_home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/client_home.html")


@require_safe
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
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and compose: 200 when the database (and broker, if any) answer."""
    checks = {
        "database": "ok" if _database_ok() else "error",
        "broker": _broker_status(),
        "storage": "error" if storage_problem() else "ok",
    }
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
@require_safe
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


AUDIT_PAGE_SIZE = 50
AUDIT_CSV_COLUMNS = (
    "time",
    "staff_or_actor",
    "action",
    "record_type",
    "record_id",
    "client",
    "detail",
    "ip",
    "path",
)


def _filtered_audit_events(form: AuditFilterForm):
    if not form.is_valid():
        return AuditEvent.objects.none()
    since, until = form.time_range()
    client_id = None
    if email := form.cleaned_data.get("client_email"):
        client = User.objects.filter(email=email.lower()).only("pk").first()
        client_id = client.pk if client else -1
    staff = form.cleaned_data.get("staff")
    return audit_events_list(
        actor_id=staff.pk if staff else None, client_id=client_id, since=since, until=until
    )


@require_safe
@access.practice_admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit trail for the practice admin, filterable and exportable; read-only."""
    form = AuditFilterForm(request.GET or None)
    filters = request.GET.copy()
    for cursor in ("before", "after", "page"):
        filters.pop(cursor, None)
    events = _filtered_audit_events(form) if filters else audit_events_list()
    # Read the page before recording this view, so the list shows what existed before.
    page = audit_events_page(
        events, before=request.GET.get("before"), after=request.GET.get("after"), size=AUDIT_PAGE_SIZE
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        object_type="audit_log",
        detail=request.GET.urlencode()[:300],
        request=request,
    )
    context = {"form": form, "page": page, "lines": audit_lines(page), "query": filters.urlencode()}
    return render(request, "portal/audit_log.html", context)


@require_safe
@access.practice_admin_required
def audit_log_csv(request: HttpRequest) -> HttpResponse:
    """The filtered audit trail as CSV; the export itself is audited."""
    form = AuditFilterForm(request.GET or None)
    events = _filtered_audit_events(form) if request.GET else audit_events_list()
    if request.GET and not form.is_valid():
        return render(request, "portal/audit_log.html", {"form": form, "page": None, "query": ""}, status=400)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="audit_log",
        detail=request.GET.urlencode()[:300],
        request=request,
    )

    def rows():
        yield AUDIT_CSV_COLUMNS
        for event in events.iterator(chunk_size=500):
            yield (
                event.created_at.isoformat(),
                event.actor.email if event.actor else "",
                event.action,
                event.object_type,
                event.object_id,
                event.client.email if event.client else "",
                event.detail,
                event.ip_address,
                event.path,
            )

    response = StreamingHttpResponse(csv_lines(rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- Error pages (wired in portal/urls.py and settings.CSRF_FAILURE_VIEW)

MSG_SERVER_ERROR = _("Something went wrong on our side. Please try again in a few minutes.")
MSG_CSRF_FAILED = _(
    "For your privacy this could not be saved: the page has been open a long time, or you "
    "signed in or out in another tab. Please reload the page and try again."
)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400. A request too large to read (a huge paste) is told in plain words what
    happened and how to get back to what she typed; anything else gets the usual page."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    if wants_json(request):
        return JsonResponse({"saved": False, "error": str(_("That request could not be read."))}, status=400)
    return render(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a calm page with the crisis lines, whatever failed.

    A database out of reach while a middleware loads the session (a signed-in person during
    a PostgreSQL restart) ends here too: it gets the same 503 as a view's database error.
    Rendered without the request's context processors, which would read the database again.
    """
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        return database_unavailable_response(request)
    if wants_json(request):
        return JsonResponse({"saved": False, "error": str(MSG_SERVER_ERROR)}, status=500)
    body = get_template("500.html").render({"crisis_lines": CRISIS_LINES})
    return HttpResponse(body, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: say kindly what happened and what to do, never Django's own page."""
    logger.warning("CSRF check failed on %s %s: %s", request.method, request.path, reason)
    if wants_json(request):
        return JsonResponse({"saved": False, "error": str(MSG_CSRF_FAILED)}, status=403)
    return render(request, "403_csrf.html", status=403)
