from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Practice, User
from .services import user_role_set


class UserCreationForm(forms.ModelForm):
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ("email", "full_name", "role")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "role", "is_active", "date_joined")
    list_filter = ("role", "is_active")
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined", "is_staff", "is_superuser")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "role", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
        (_("Django admin access (follows the role)"), {"fields": ("is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "role", "password")}),)
    filter_horizontal = ()

    def save_model(self, request, obj, form, change):
        role = obj.role
        if change and "role" in form.changed_data:
            # Save everything else first, then let the service change the role and audit it.
            obj.role = form.initial["role"]
            super().save_model(request, obj, form, change)
            user_role_set(user=obj, role=role, actor=request.user, request=request)
            return
        super().save_model(request, obj, form, change)
        if not change:
            user_role_set(user=obj, role=role, actor=request.user, request=request)


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
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
            {"fields": ("cancellation_notice_hours", "reminder_hours_before", "booking_buffer_minutes")},
        ),
    )

    def has_add_permission(self, request):
        return not Practice.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "object_type", "object_id", "client", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("actor__email", "client__email", "object_id", "detail")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Roles are a field on the user, not groups: hide the unused Group admin.
admin.site.unregister(Group)
