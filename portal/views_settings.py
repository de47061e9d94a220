"""The practice's own settings, for the practice admin, in the portal's look: its details
and scheduling times, the on-call alerts, screening, and staff. The agreements, therapists'
profiles and session types are the apps' own settings pages, linked from the same menu.

Every change goes through a service that audits it; every page is the practice admin's only.
"""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import access
from .forms_settings import (
    PracticeDetailsForm,
    PracticeSafetyForm,
    PracticeScreeningForm,
    StaffInviteForm,
    StaffRoleForm,
)
from .models import Practice, User
from .practice_services import practice_update
from .selectors import practice_get
from .services import (
    StaffInviteRefused,
    staff_invite,
    staff_invite_send,
    staff_mfa_reset_send,
    user_deactivate,
    user_role_set,
)

MSG_SAVED = _("Saved.")
MSG_UNCHANGED = _("Nothing had changed, so nothing was saved.")
MSG_NOT_REPUBLISHED = _("Saved, but an agreement still reads as before: %(problems)s")
MSG_INVITED = _("%(email)s has been invited and emailed a link to choose a password.")
MSG_INVITE_NOT_SENT = _(
    "The account for %(email)s was made, but the invitation could not be emailed. Try again later."
)
MSG_ROLE_SET = _("%(name)s is now: %(role)s.")
MSG_MFA_RESET = _("%(name)s was signed out everywhere and emailed a link to set up two-step sign-in again.")
MSG_MFA_NOT_SENT = _(
    "%(name)s's two-step sign-in was reset and every session ended, but the email could not be "
    "sent. Ask them to sign in: they will be asked to set it up."
)
MSG_MFA_NOTHING_TO_RESET = _(
    "%(name)s has not chosen a password yet, so there is no two-step sign-in to reset. "
    "Send the invitation again instead."
)
MSG_DEACTIVATED = _("%(name)s can no longer sign in.")
MSG_NOT_YOURSELF = _("You cannot change your own role or close your own account here.")


def _fresh_practice() -> Practice:
    # The form fills in the instance it is given: never the cached copy every page reads.
    return Practice.objects.get(pk=practice_get().pk)


def _practice_page(request: HttpRequest, form_class, template: str) -> HttpResponse:
    practice = _fresh_practice()
    form = form_class(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        saved = practice_update(changes=changes, actor=request.user, request=request)
        if saved.problems:
            messages.warning(request, MSG_NOT_REPUBLISHED % {"problems": " ".join(saved.problems)})
        else:
            messages.success(request, MSG_SAVED if saved.changed else MSG_UNCHANGED)
        return redirect(request.path)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form}, status=status)


@require_safe
@access.practice_admin_required
def settings_index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/settings/index.html", {})


@require_http_methods(["GET", "HEAD", "POST"])
@access.practice_admin_required
def settings_practice(request: HttpRequest) -> HttpResponse:
    return _practice_page(request, PracticeDetailsForm, "portal/settings/practice.html")


@require_http_methods(["GET", "HEAD", "POST"])
@access.practice_admin_required
def settings_safety(request: HttpRequest) -> HttpResponse:
    return _practice_page(request, PracticeSafetyForm, "portal/settings/safety.html")


@require_http_methods(["GET", "HEAD", "POST"])
@access.practice_admin_required
def settings_screening(request: HttpRequest) -> HttpResponse:
    return _practice_page(request, PracticeScreeningForm, "portal/settings/screening.html")


def _staff_members():
    has_mfa = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    return (
        User.objects.filter(role__in=User.STAFF_ROLES)
        .annotate(has_mfa=Exists(has_mfa))
        .order_by("-is_active", "full_name", "email")
    )


@require_http_methods(["GET", "HEAD", "POST"])
@access.practice_admin_required
def settings_staff(request: HttpRequest) -> HttpResponse:
    """The staff list, and the form to invite someone (POST)."""
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_invite(**form.cleaned_data, actor=request.user, request=request)
        except StaffInviteRefused as refused:
            form.add_error("email", str(refused))
        else:
            try:
                staff_invite_send(user=user, actor=request.user, request=request)
            except OSError:  # smtplib's errors are OSErrors
                messages.error(request, MSG_INVITE_NOT_SENT % {"email": user.email})
            else:
                messages.success(request, MSG_INVITED % {"email": user.email})
            return redirect("portal:settings_staff")
    context = {
        "form": form,
        "staff": _staff_members(),
        "role_choices": StaffRoleForm.base_fields["role"].choices,
    }
    return render(request, "portal/settings/staff.html", context, status=400 if form.errors else 200)


def _other_staff_member(request: HttpRequest, pk: int) -> User | None:
    """The staff member acted on, or None (with a message) when it is the admin herself."""
    member = access.object_or_404(User.objects.filter(role__in=User.STAFF_ROLES), pk=pk)
    if member.pk == request.user.pk:
        messages.error(request, MSG_NOT_YOURSELF)
        return None
    return member


@require_POST
@access.practice_admin_required
def settings_staff_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = _other_staff_member(request, pk)
    form = StaffRoleForm(request.POST)
    if member is not None and form.is_valid():
        user_role_set(user=member, role=form.cleaned_data["role"], actor=request.user, request=request)
        messages.success(request, MSG_ROLE_SET % {"name": member, "role": member.get_role_display()})
    return redirect("portal:settings_staff")


@require_POST
@access.practice_admin_required
def settings_staff_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    member = _other_staff_member(request, pk)
    if member is not None and not member.has_usable_password():
        messages.error(request, MSG_MFA_NOTHING_TO_RESET % {"name": member})
    elif member is not None:
        try:
            staff_mfa_reset_send(user=member, actor=request.user, request=request)
        except OSError:
            messages.error(request, MSG_MFA_NOT_SENT % {"name": member})
        else:
            messages.success(request, MSG_MFA_RESET % {"name": member})
    return redirect("portal:settings_staff")


@require_POST
@access.practice_admin_required
def settings_staff_reinvite(request: HttpRequest, pk: int) -> HttpResponse:
    """Email the invitation again to someone invited who has not chosen a password yet."""
    member = _other_staff_member(request, pk)
    if member is not None and member.is_active:
        try:
            staff_invite_send(user=member, actor=request.user, request=request)
        except StaffInviteRefused as refused:
            messages.error(request, str(refused))
        except OSError:  # smtplib's errors are OSErrors
            messages.error(request, MSG_INVITE_NOT_SENT % {"email": member.email})
        else:
            messages.success(request, MSG_INVITED % {"email": member.email})
    return redirect("portal:settings_staff")


@require_http_methods(["GET", "HEAD", "POST"])
@access.practice_admin_required
def settings_staff_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (GET: what closing the account does), then close it (POST)."""
    member = _other_staff_member(request, pk)
    if member is None or not member.is_active:
        return redirect("portal:settings_staff")
    if request.method != "POST":
        context = {"member": member, "member_is_therapist": member.role == User.Role.THERAPIST}
        return render(request, "portal/settings/staff_close.html", context)
    problems = user_deactivate(user=member, actor=request.user, request=request)
    messages.success(request, MSG_DEACTIVATED % {"name": member})
    if problems:
        messages.warning(request, MSG_NOT_REPUBLISHED % {"problems": " ".join(problems)})
    return redirect("portal:settings_staff")
