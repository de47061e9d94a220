"""Automatic logoff, the staff MFA requirement, no caching of signed-in pages, and a calm
answer while the database cannot be reached."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import Resolver404, get_resolver, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from . import held
from .access import is_staff_member, wants_json
from .crisis import CRISIS_LINES
from .selectors import user_has_totp
from .settings.guard import is_loopback_host

logger = logging.getLogger(__name__)


class DebugLoopbackOnlyMiddleware:
    """With DEBUG on, answer this machine only.

    The settings guard allows DEBUG only with loopback host names, but that checks the Host
    header, which any visitor writes: `runserver 0.0.0.0` would still show DEBUG pages (code
    and settings) to anyone on the network who sends `Host: localhost`. The address the
    request came from cannot be chosen that way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG and not is_loopback_host(request.META.get("REMOTE_ADDR", "")):
            return HttpResponse(
                "This development server answers this computer only.", status=403, content_type="text/plain"
            )
        return self.get_response(request)


class OwnErrorPagesMiddleware:
    """With DEBUG on, still answer errors with the portal's own pages (the same ones a
    deployment shows), unless PORTAL_DJANGO_DEBUG_PAGES asks for Django's technical pages.

    Django picks its technical 404 and 500 pages whenever DEBUG is on; a developer clicking
    through the portal should see what a client sees, and the technical 404 lists every
    address. The traceback of a server error still reaches the console.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def _active() -> bool:
        return settings.DEBUG and not settings.PORTAL_DJANGO_DEBUG_PAGES

    @staticmethod
    def _page(request: HttpRequest, status: int, exception: Exception | None = None) -> HttpResponse:
        # The handlers portal/urls.py names (or Django's defaults), as a deployment uses them.
        handler = get_resolver(getattr(request, "urlconf", None)).resolve_error_handler(status)
        return handler(request) if status == 500 else handler(request, exception)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # An address that matches no page never reaches a view, so process_exception would
        # not see it; CommonMiddleware (outside this one) still adds a missing slash.
        if self._active():
            try:
                get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
            except Resolver404 as exc:
                return self._page(request, 404, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not self._active():
            return None
        if isinstance(exception, Http404):
            return self._page(request, 404, exception)
        if isinstance(exception, PermissionDenied):
            return self._page(request, 403, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return self._page(request, 400, exception)
        logger.exception("Server error on %s %s", request.method, request.path)
        return self._page(request, 500)


MSG_SIGNED_OUT_IDLE = _(
    "You were signed out after a while without activity, to keep your information private. "
    "Please sign in again to continue."
)
MSG_STAFF_MFA_REQUIRED = _(
    "Staff accounts need two-step sign-in. Please set up an authenticator app to continue."
)

LAST_ACTIVITY_KEY = "portal_last_activity"
# Writing the session on every request costs a database write; a few seconds of slack in
# a 15-minute timeout does not matter.
_ACTIVITY_WRITE_INTERVAL = 15
_SAVE_ACTIVITY_INTERVAL = 1


def idle_timeout_for(user) -> int:
    """Seconds of inactivity after which this user is signed out."""
    if is_staff_member(user):
        return settings.PORTAL_STAFF_IDLE_TIMEOUT
    return settings.PORTAL_CLIENT_IDLE_TIMEOUT


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a session that cannot be saved after a successful request does
    not turn that request's answer into an error page.

    The request's own work (an intake sent, an answer saved) has committed by then; if the
    database went away a moment later, the client must see what happened, not "the request
    could not be read", which would make her try again. What is lost is the session's own
    change (the activity time, a message), and the next request finds the database again.
    """

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (DatabaseError, SessionInterrupted):
            if response.status_code >= 400:
                raise
            logger.warning("The session could not be saved after %s %s.", request.method, request.path)
            return response


MSG_TOO_LARGE = _(
    "That page could not be saved, because it sent far more text than any answer here can "
    "hold (a long paste, perhaps). Answers that already showed as saved are kept."
)


def request_too_large(request: HttpRequest) -> HttpResponse:
    """What a request too large to read is told (see RequestTooLargeMiddleware)."""
    message = str(MSG_TOO_LARGE)
    if wants_json(request):
        return JsonResponse({"saved": False, "error": message, "too_large": True}, status=413)
    return render(request, "413.html", {"message": message}, status=413)


class RequestTooLargeMiddleware:
    """A request body larger than Django will read (a huge paste) gets the portal's own
    plain page (JSON for the page's script) before anything tries to read it: Django's
    answer would be a bare 400, or its technical page with DEBUG on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit and not request.content_type.startswith("multipart/"):
            return request_too_large(request)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Sign people out after a period without requests (HIPAA automatic logoff).

    The session-status endpoint only reads the clock and never counts as activity, so
    an open tab that polls it does not keep a session alive forever.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > idle_timeout_for(user):
                logout(request)
                messages.info(request, MSG_SIGNED_OUT_IDLE)
                held.expired_session_note(request, user)
                if held.is_held_view(request):
                    # A save that arrived just too late: process_view keeps it once the
                    # CSRF check has passed.
                    return self.get_response(request)
                return self._signed_out(request, kept=False)
            passive = request.path == reverse("portal:session_status")
            # Every save counts as activity, to the second (a client must never be signed out
            # moments after her answer was saved); page views are recorded every few seconds.
            interval = _SAVE_ACTIVITY_INTERVAL if request.method == "POST" else _ACTIVITY_WRITE_INTERVAL
            if not passive and (last is None or now - last >= interval):
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated or request.method != "POST":
            return None
        hold_for = held.held_for(request)
        if hold_for is None or not getattr(view_func, "hold_when_signed_out", False):
            return None
        kept = held.held_request_keep(request, hold_for, view_func)
        if kept and not request.session.get(held.HELD_TOLD_KEY):
            request.session[held.HELD_TOLD_KEY] = True
            messages.info(request, held.MSG_HELD)
        return self._signed_out(request, kept=kept)

    @staticmethod
    def _signed_out(request, *, kept: bool):
        if wants_json(request):
            return JsonResponse(
                {"signed_in": False, "held": kept, "login_url": reverse("account_login")}, status=401
            )
        return redirect_to_login(request.get_full_path())


class StaffMFARequiredMiddleware:
    """Hold staff without an authenticator app on the MFA set-up pages.

    This covers a newly invited staff member and one whose second factor an admin reset:
    until she has enrolled, her account can do nothing else. Only the two-step sign-in
    pages, confirming her password (which enrolling asks for), signing in and out, password
    links, static files and the health check stay reachable; everything else, her other
    account pages included, redirects to set-up.
    """

    EXEMPT_PREFIXES = (
        "/accounts/2fa/",
        "/accounts/reauthenticate/",
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/password/reset/",
        "/accounts/confirm-email/",
        "/accounts/inactive/",
        "/static/",
        "/healthz",
        "/session/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and is_staff_member(user)
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not user_has_totp(user=user)
        ):
            if wants_json(request):
                return JsonResponse({"mfa_required": True}, status=403)
            messages.warning(request, MSG_STAFF_MFA_REQUIRED)
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages for a signed-in person may hold health information: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private, max-age=0"
        return response


class MethodNotAllowedPageMiddleware:
    """A page for a 405, which Django sends with an empty body: a bookmark or the back
    button can open a POST-only address, and a blank white page is a dead end."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content or wants_json(request):
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page


MSG_DATABASE_UNAVAILABLE = _(
    "We can't reach part of the portal just now. Anything you had already saved is safe. "
    "Please try again in a minute."
)
# Seconds a client (or a load balancer) is asked to wait before trying again.
DATABASE_RETRY_AFTER = 60

database_logger = logging.getLogger("portal.database")


def database_unavailable_response(request) -> HttpResponse:
    """The 503 shown while the database cannot be reached; it needs no database itself.

    Rendered from a standalone template without the request, so no context processor runs
    (they query the database), and it still carries the crisis lines.
    """
    if wants_json(request):
        # The intake's autosave shows "error" beside the field it could not save.
        response = JsonResponse({"saved": False, "error": str(MSG_DATABASE_UNAVAILABLE)}, status=503)
    else:
        body = get_template("portal/database_unavailable.html").render(
            {"message": MSG_DATABASE_UNAVAILABLE, "crisis_lines": CRISIS_LINES}
        )
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Answer a calm 503 instead of a server error while the database cannot be reached.

    While PostgreSQL restarts or is down, every page that reads it fails. Only errors raised
    by a view come here: one raised by another middleware (loading a signed-in person's
    session) is turned into a response before this class sees it. /healthz catches its own
    errors and reports 503 in JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        database_logger.error(
            "Database unavailable while answering %s %s", request.method, request.path, exc_info=exception
        )
        return database_unavailable_response(request)
