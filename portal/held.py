"""Answers sent just as a session ended are kept, and saved right after the next sign-in.

The automatic sign-out (HIPAA automatic logoff) must not throw away what a client typed: a
save that arrives after her session expired, or in the minutes after from the same browser,
is held against her account if its view is marked with `hold_when_signed_out`. When she
signs in again, each held request is replayed as her, in the order sent, through the same
view (so the same checks, services and audit rows apply), and she is told what was saved.

Nothing here knows what a view saves: apps mark their own write views.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import HeldRequest

logger = logging.getLogger(__name__)

# How long after the sign-out further saves from the same browser are still held, and how
# long a held save waits for her to sign in again.
HOLD_WINDOW_SECONDS = 15 * 60
HOLD_KEEP = dt.timedelta(days=1)
# One browser cannot fill the table: a page sends a few dozen answers at most.
HOLD_LIMIT = 200
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
FORM = "form-fields"
HOLD_FOR_KEY = "portal_hold_for"
HELD_TOLD_KEY = "portal_held_told"

MSG_HELD = _(
    "The answers you sent as you were signed out are kept, and will be saved as soon as you sign in again."
)
MSG_REPLAYED = _("Welcome back. We saved the answers you gave just as you were signed out.")
MSG_REPLAY_FAILED = _(
    "Some answers you gave just as you were signed out could not be saved. Please look over "
    "the page and give them again."
)


def hold_when_signed_out(view):
    """Mark a write view whose POSTs are kept when they arrive just after the sign-out."""
    view.hold_when_signed_out = True
    return view


def is_held_view(request: HttpRequest) -> bool:
    """Whether this request is a POST to a view that keeps its saves over a sign-out."""
    if request.method != "POST":
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "hold_when_signed_out", False)


def expired_session_note(request: HttpRequest, user) -> None:
    """Called by the idle sign-out, after logout: let this browser's saves of the next few
    minutes be kept for `user`."""
    request.session[HOLD_FOR_KEY] = {"user": user.pk, "until": time.time() + HOLD_WINDOW_SECONDS}


def held_for(request: HttpRequest) -> int | None:
    """The account an anonymous request's saves are held for, if its session ended lately."""
    marker = request.session.get(HOLD_FOR_KEY) if hasattr(request, "session") else None
    if not isinstance(marker, dict) or marker.get("until", 0) < time.time():
        return None
    return marker.get("user")


def held_request_keep(request: HttpRequest, user_id: int, view) -> bool:
    """Keep this POST for `user_id` if its view asks for it. Call only after the CSRF check
    (from a middleware's process_view)."""
    if request.method != "POST" or not getattr(view, "hold_when_signed_out", False):
        return False
    if HeldRequest.objects.filter(user_id=user_id).count() >= HOLD_LIMIT:
        logger.warning("Not holding more saves for user %s: %s already held.", user_id, HOLD_LIMIT)
        return False
    if request.content_type in FORM_TYPES:
        # Kept as the parsed fields (files are never held), whatever the form's encoding.
        content_type, body = FORM, json.dumps({key: request.POST.getlist(key) for key in request.POST})
    else:
        content_type, body = request.content_type or "", request.body.decode("utf-8", errors="replace")
    HeldRequest.objects.create(user_id=user_id, path=request.path_info, content_type=content_type, body=body)
    return True


def _replay(request: HttpRequest, held: HeldRequest) -> bool:
    try:
        match = resolve(held.path)
    except Resolver404:
        return False
    if not getattr(match.func, "hold_when_signed_out", False):
        return False
    inner = HttpRequest()
    inner.method = "POST"
    inner.path = inner.path_info = held.path
    inner.META = {**request.META, "REQUEST_METHOD": "POST"}
    inner.user = request.user
    inner.session = request.session
    inner._messages = getattr(request, "_messages", None)
    inner._dont_enforce_csrf_checks = True
    if held.content_type == FORM:
        inner.POST = QueryDict(mutable=True)
        for key, values in json.loads(held.body).items():
            inner.POST.setlist(key, values)
        inner.content_type = inner.META["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        inner._body = b""
    else:
        inner.content_type = inner.META["CONTENT_TYPE"] = held.content_type
        inner._body = held.body.encode("utf-8")
    try:
        response: HttpResponse = match.func(inner, *match.args, **match.kwargs)
    except Exception:
        logger.exception("Replaying a held save to %s failed.", held.path)
        return False
    return response.status_code < 400


@receiver(user_logged_in, dispatch_uid="portal.held_requests_replay")
def held_requests_replay(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Save, as her, what she sent as she was signed out; then say so."""
    if request is None:
        return
    request.session.pop(HOLD_FOR_KEY, None)
    request.session.pop(HELD_TOLD_KEY, None)
    held = list(HeldRequest.objects.filter(user=user, created_at__gte=timezone.now() - HOLD_KEEP))
    HeldRequest.objects.filter(user=user).delete()
    if not held:
        return
    results = []
    for item in held:
        with transaction.atomic():
            results.append(_replay(request, item))
    if all(results):
        messages.success(request, MSG_REPLAYED)
    else:
        messages.warning(request, MSG_REPLAY_FAILED)
