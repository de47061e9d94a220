from django.conf import settings

from .access import is_practice_admin, role_flags
from .crisis import CRISIS_LINES, EMERGENCY_BUTTONS, HIGH_LINES, URGENT_BUTTONS, URGENT_MORE
from .middleware import idle_timeout_for
from .selectors import on_call_alerts_configured, practice_get
from .storage import private_storage_problem_cached


def portal(request) -> dict:
    """What every page needs: the practice, the crisis lines, the idle timeout, and whether a
    same-day safety answer really reaches someone (what the client is told, and a warning to
    the practice admin when it does not)."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    practice = practice_get()
    alerts_configured = on_call_alerts_configured(practice=practice)
    admin = signed_in and is_practice_admin(user)
    return {
        "practice": practice,
        "on_call_alerts_configured": alerts_configured,
        "on_call_warning": admin and not alerts_configured,
        # Generated PDFs cannot be stored (a full or read-only disk): the admin must know.
        "storage_warning": admin and bool(private_storage_problem_cached()),
        "crisis_lines": CRISIS_LINES,
        "crisis_high_lines": HIGH_LINES,
        "crisis_urgent_buttons": URGENT_BUTTONS,
        "crisis_urgent_more": URGENT_MORE,
        "crisis_emergency_buttons": EMERGENCY_BUTTONS,
        "idle_timeout_seconds": idle_timeout_for(user) if signed_in else None,
        "idle_warning_seconds": settings.PORTAL_IDLE_WARNING,
        # Templates ask `role.scheduling`, `role.therapist`... never compare role strings.
        "role": role_flags(user),
    }
