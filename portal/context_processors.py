from django.conf import settings

from .access import is_staff_member
from .crisis import CRISIS_LINES
from .middleware import idle_timeout_for
from .selectors import practice_get


def portal(request) -> dict:
    """What every page needs: the practice, the crisis lines, the idle timeout."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "practice": practice_get(),
        "crisis_lines": CRISIS_LINES,
        "idle_timeout_seconds": idle_timeout_for(user) if signed_in else None,
        "idle_warning_seconds": settings.PORTAL_IDLE_WARNING,
        "is_staff_member": is_staff_member(user) if signed_in else False,
    }
