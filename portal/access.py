"""Every access rule in the portal lives here.

Views never test roles or ownership themselves: they use the decorators and helpers below.
Object helpers answer 404 (never 403) for a record the user may not see, so a response
never reveals that someone else's record exists.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from .models import User

Role = User.Role

CLINICAL_ROLES = frozenset({Role.THERAPIST, Role.PRACTICE_ADMIN})
SCHEDULING_ROLES = frozenset({Role.FRONT_DESK, Role.PRACTICE_ADMIN})
STAFF_ROLES = User.STAFF_ROLES


def has_role(user, *roles: str) -> bool:
    """Whether the person signed in may act in one of ``roles`` (an active account)."""
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def client_of_record(user) -> User | None:
    """The person whose record an audit row is about: the user if hers is a client account,
    active or not (a closed account's history is still hers). Not an access rule."""
    return user if user is not None and getattr(user, "role", None) == Role.CLIENT else None


def is_client(user) -> bool:
    return has_role(user, Role.CLIENT)


def is_staff_member(user) -> bool:
    return has_role(user, *STAFF_ROLES)


def can_see_clinical(user) -> bool:
    """Therapists and the practice admin; never the front desk (minimum necessary)."""
    return has_role(user, *CLINICAL_ROLES)


def is_practice_admin(user) -> bool:
    return has_role(user, Role.PRACTICE_ADMIN)


def can_schedule(user) -> bool:
    return has_role(user, *SCHEDULING_ROLES)


def is_therapist(user) -> bool:
    return has_role(user, Role.THERAPIST)


def role_flags(user) -> dict[str, bool]:
    """What a template may ask about the person signed in: the same predicates the views use,
    handed to every page as `role` by the portal context processor."""
    return {
        "client": is_client(user),
        "staff": is_staff_member(user),
        "clinical": can_see_clinical(user),
        "scheduling": can_schedule(user),
        "therapist": is_therapist(user),
        "practice_admin": is_practice_admin(user),
    }


def wants_json(request: HttpRequest) -> bool:
    """Whether the request comes from the page's own script, which reads JSON, not pages."""
    return request.headers.get("x-requested-with") == "fetch" or "application/json" in request.headers.get(
        "accept", ""
    )


def role_required(*roles: str) -> Callable:
    """Let only signed-in users with one of ``roles`` through.

    Anonymous visitors are sent to sign in; signed-in users of another role get 403,
    because a role's page is no secret (unlike an individual record).
    """
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                if wants_json(request):
                    # A script's request after the session ended: it says so on the page.
                    return JsonResponse({"signed_in": False, "held": False}, status=401)
                return redirect_to_login(request.get_full_path())
            if not has_role(user, *allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator


client_required = role_required(Role.CLIENT)
clinical_staff_required = role_required(*CLINICAL_ROLES)
scheduling_staff_required = role_required(*SCHEDULING_ROLES)
staff_required = role_required(*STAFF_ROLES)
practice_admin_required = role_required(Role.PRACTICE_ADMIN)


def object_or_404(queryset: models.QuerySet, **lookup) -> models.Model:
    """Fetch one object from an already narrowed queryset, or 404.

    Callers narrow ``queryset`` to what the user may see first; a malformed id is a
    404 too, never a 500.
    """
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
