from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .access import client_of_record
from .admin_audit import AuditedModelAdmin
from .admin_base import PortalModelAdmin
from .audit import audit_record
from .forms_settings import StaffInviteForm
from .models import AuditEvent, Practice, User
from .practice_services import practice_update
from .services import (
    StaffInviteRefused,
    staff_invite,
    staff_invite_send,
    user_mfa_reset,
    user_password_reset_send,
    user_role_set,
    user_sessions_revoke,
)
from .text import TypedTextField

# Starts with a word, not the address: Django admin capitalises the first letter of a message.
MSG_INVITE_SENT = _(
    "An invitation went to {email}: they choose their own password from the link in the email, then "
    "set up two-step sign-in when they first sign in."
)
MSG_INVITE_SKIPPED = _(
    "Only staff who have not chosen a password yet can be invited again; the others were skipped."
)
MSG_INVITE_NOT_SENT = _(
    "The account for {email} was made, but the invitation could not be emailed. Try again later with "
    'the action "Send the staff invitation again".'
)


class UserChangeForm(forms.ModelForm):
    """No password and no email address: nobody sets another person's password, and moving her
    address elsewhere would send her reset links to someone else."""

    class Meta:
        model = User
        fields = ("full_name", "role", "is_active")
        field_classes = {"full_name": TypedTextField}


@admin.register(User)
class UserAdmin(AuditedModelAdmin):
    form = UserChangeForm
    ordering = ("email",)
    list_display = ("email", "full_name", "role", "is_active", "two_step", "date_joined")
    list_filter = ("role", "is_active")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "full_name", "role", "is_active")}),
        (_("Signing in"), {"fields": ("password_status", "two_step")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
        (_("Django admin access (follows the role)"), {"fields": ("is_staff", "is_superuser")}),
    )
    readonly_fields = (
        "email",
        "password_status",
        "two_step",
        "last_login",
        "date_joined",
        "is_staff",
        "is_superuser",
    )
    actions = ("send_password_reset", "send_invitation_again", "revoke_sessions", "reset_two_step")

    def audit_client_of(self, obj: User) -> User | None:
        return client_of_record(obj)

    def get_queryset(self, request):
        totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
        return super().get_queryset(request).annotate(has_totp=Exists(totp))

    @admin.display(description=_("Two-step sign-in"), boolean=True)
    def two_step(self, obj: User) -> bool:
        return obj.has_totp

    @admin.display(description=_("Password"))
    def password_status(self, obj: User) -> str:
        if obj.has_usable_password():
            return _(
                "Chosen by the person. Nobody else can see or set it; send a reset link if one is needed."
            )
        return _("Not chosen yet: invited, and the link has not been used.")

    # --- Creating staff: an invitation, never a password typed by someone else.

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StaffInviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = staff_invite(**form.cleaned_data, actor=request.user, request=request)
            except StaffInviteRefused as refused:
                form.add_error("email", str(refused))
            else:
                self.log_addition(request, user, [{"added": {}}])
                self._send_invitation(request, user)
                return redirect("admin:portal_user_change", user.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Invite a staff member"),
            "form": form,
            "opts": self.opts,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/portal/user/invite.html", context)

    def _send_invitation(self, request, user: User) -> bool:
        try:
            staff_invite_send(user=user, actor=request.user, request=request)
        except OSError:  # smtplib's errors are OSErrors
            self.message_user(request, MSG_INVITE_NOT_SENT.format(email=user.email), messages.ERROR)
            return False
        self.message_user(request, MSG_INVITE_SENT.format(email=user.email), messages.SUCCESS)
        return True

    # --- Changing a user: the role through its service, everything audited.

    def save_model(self, request, obj, form, change):
        if not change:  # accounts are only made by add_view's invitation
            raise PermissionDenied
        role = obj.role
        obj.role = form.initial["role"]
        other_fields = [name for name in form.changed_data if name != "role"]
        if other_fields:
            obj.save(update_fields=other_fields)
            self._audit_change(request, obj, other_fields)
        if "role" in form.changed_data:
            user_role_set(user=obj, role=role, actor=request.user, request=request)

    def _audit_change(self, request, obj: User, fields: list[str]) -> None:
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.UPDATE,
            object_type="user",
            object_id=obj.pk,
            client=client_of_record(obj),
            detail="changed in Django admin: " + ", ".join(fields),
            request=request,
        )

    # --- Actions: what an admin may do about another person's sign-in.

    @admin.action(description=_("Send a password-reset link"))
    def send_password_reset(self, request, queryset):
        users = list(queryset.filter(is_active=True))
        for user in users:
            user_password_reset_send(user=user, request=request)
        self.message_user(
            request,
            ngettext(
                "A password-reset link was emailed to %(count)d person. Inactive accounts were skipped.",
                "Password-reset links were emailed to %(count)d people. Inactive accounts were skipped.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Send the staff invitation again"))
    def send_invitation_again(self, request, queryset):
        users = list(queryset)
        invited = [user for user in users if user.role in User.STAFF_ROLES and not user.has_usable_password()]
        for user in invited:
            self._send_invitation(request, user)
        if len(invited) < len(users):
            self.message_user(request, MSG_INVITE_SKIPPED, messages.WARNING)

    @admin.action(description=_("Sign out everywhere"))
    def revoke_sessions(self, request, queryset):
        ended = sum(user_sessions_revoke(user=user, actor=request.user, request=request) for user in queryset)
        self.message_user(
            request,
            ngettext("%(count)d session was ended.", "%(count)d sessions were ended.", ended)
            % {"count": ended},
            messages.SUCCESS,
        )

    @admin.action(description=_("Reset two-step sign-in (set up again at the next sign-in)"))
    def reset_two_step(self, request, queryset):
        users = list(queryset)
        for user in users:
            user_mfa_reset(user=user, actor=request.user, request=request)
        self.message_user(
            request,
            ngettext(
                "Two-step sign-in was reset for %(count)d person, who was signed out everywhere.",
                "Two-step sign-in was reset for %(count)d people, who were signed out everywhere.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )


@admin.register(Practice)
class PracticeAdmin(PortalModelAdmin):
    list_display = ("name", "phone", "email", "minimum_client_age")
    fieldsets = (
        (
            _("Details"),
            {
                "fields": (
                    "name",
                    "address_line1",
                    "address_line2",
                    "city",
                    "state",
                    "postal_code",
                    "phone",
                    "email",
                    "website",
                    "regulator_contact",
                )
            },
        ),
        (_("Safety"), {"fields": ("on_call_emails", "urgent_realert_minutes")}),
        (
            _("Intake"),
            {
                "fields": (
                    "minimum_client_age",
                    "epds_enabled",
                    "pcptsd5_cutoff",
                    "therapists_see_assigned_only",
                )
            },
        ),
        (
            _("Scheduling"),
            {
                "fields": (
                    "booking_gate",
                    "cancellation_notice_hours",
                    "late_cancellation_fee",
                    "reminder_hours_before",
                    "booking_buffer_minutes",
                )
            },
        ),
        (
            _("Billing and Good Faith Estimates"),
            {
                "fields": (
                    "npi",
                    "tax_id",
                    "sliding_scale_offered",
                    "sliding_scale_note",
                    "estimate_ongoing_sessions",
                    "estimate_months",
                )
            },
        ),
    )

    def has_add_permission(self, request):
        return not Practice.objects.exists()

    def save_model(self, request, obj, form, change):
        # Through the same service as the practice's settings pages: audited, and the
        # agreements naming a changed detail are published anew.
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        saved = practice_update(changes=changes, actor=request.user, request=request)
        if saved.problems:
            self.message_user(request, " ".join(saved.problems), messages.WARNING)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedModelAdmin):
    list_display = ("created_at", "actor", "action", "object_type", "object_id", "client", "ip_address")
    list_select_related = ("actor", "client")
    list_filter = ("action", "object_type")
    search_fields = ("actor__email", "client__email", "object_id", "detail")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def audit_client_of(self, obj: AuditEvent) -> User | None:
        # The list shows the client column, and the actor's, which is a client when she acted.
        if obj.client is not None:
            return obj.client
        return client_of_record(obj.actor)


# Roles are a field on the user, not groups: hide the unused Group admin.
admin.site.unregister(Group)

# Authenticators are never shown or made in admin: their data is the secret that makes sign-in
# codes. Which staff have one is the "Two-step sign-in" column of the user list; the only
# change an admin can make is the "Reset two-step sign-in" action there, which is audited.
admin.site.unregister(Authenticator)

# Email addresses are read-only here: adding or verifying one for someone else would route
# her password-reset links to another inbox. People manage their own on their account page.
admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AuditedModelAdmin):
    list_display = ("email", "user", "primary", "verified")
    list_filter = ("primary", "verified")
    list_select_related = ("user",)
    search_fields = ("email", "user__email", "user__full_name")
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def audit_client_of(self, obj: EmailAddress) -> User | None:
        return client_of_record(obj.user)
