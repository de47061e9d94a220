"""Scheduling settings the practice admin keeps in Django admin.

Appointment requests and appointments are deliberately not registered: they are client
records, read and changed only through the portal's views and services, which check access
and write audit records; Django admin would show and change them unaudited.
"""

from django.contrib import admin

from portal.admin_base import PortalModelAdmin

from .models import Office, SessionType, TherapistProfile, TimeOff, WeeklyAvailability


class TherapistProfileAdmin(PortalModelAdmin):
    list_display = ("user", "credentials", "offers_in_person", "offers_telehealth")
    list_filter = ("offers_in_person", "offers_telehealth")
    search_fields = ("user__full_name", "user__email")
    list_select_related = ("user",)


class OfficeAdmin(PortalModelAdmin):
    list_display = ("name", "address")


class SessionTypeAdmin(PortalModelAdmin):
    list_display = ("name", "slug", "duration_minutes", "self_pay_fee", "active")
    list_filter = ("active",)
    prepopulated_fields = {"slug": ("name",)}


class WeeklyAvailabilityAdmin(PortalModelAdmin):
    list_display = ("therapist", "weekday", "start_time", "end_time", "modality", "valid_from", "valid_until")
    list_filter = ("therapist", "weekday", "modality")
    list_select_related = ("therapist",)


class TimeOffAdmin(PortalModelAdmin):
    list_display = ("therapist", "start", "end", "reason")
    list_filter = ("therapist",)
    list_select_related = ("therapist",)
    date_hierarchy = "start"


MODEL_ADMINS: dict[type, type[admin.ModelAdmin]] = {
    TherapistProfile: TherapistProfileAdmin,
    Office: OfficeAdmin,
    SessionType: SessionTypeAdmin,
    WeeklyAvailability: WeeklyAvailabilityAdmin,
    TimeOff: TimeOffAdmin,
}


for _model, _model_admin in MODEL_ADMINS.items():
    admin.site.register(_model, _model_admin)
