"""Automatic logoff, the staff MFA requirement, and no caching of signed-in pages."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from .access import is_staff_member
from .selectors import user_has_totp

MSG_SIGNED_OUT_IDLE = _(
    "You were signed out after a while without activity, to keep your information private. "
    "Everything you had entered was saved. Please sign in again to continue."
)
MSG_STAFF_MFA_REQUIRED = _(
    "Staff accounts need two-step sign-in. Please set up an authenticator app to continue."
)

LAST_ACTIVITY_KEY = "portal_last_activity"
# Writing the session on every request costs a database write; a few seconds of slack in
# a 15-minute timeout does not matter.
_ACTIVITY_WRITE_INTERVAL = 15


def idle_timeout_for(user) -> int:
    """Seconds of inactivity after which this user is signed out."""
    if is_staff_member(user):
        return settings.PORTAL_STAFF_IDLE_TIMEOUT
    return settings.PORTAL_CLIENT_IDLE_TIMEOUT


def _wants_json(request) -> bool:
    return request.headers.get("x-requested-with") == "fetch" or "application/json" in request.headers.get(
        "accept", ""
    )


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
                if _wants_json(request):
                    return JsonResponse(
                        {"signed_in": False, "login_url": reverse("account_login")}, status=401
                    )
                return redirect_to_login(request.get_full_path())
            passive = request.path == reverse("portal:session_status")
            if not passive and (last is None or now - last >= _ACTIVITY_WRITE_INTERVAL):
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class StaffMFARequiredMiddleware:
    """Hold staff without an authenticator app on the MFA set-up pages.

    Account pages (where MFA is set up), signing out, static files and the health check
    stay reachable; everything else redirects to set-up.
    """

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/session/")

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
            if _wants_json(request):
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
