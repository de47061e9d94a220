from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views, views_settings

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Client portal administration"
admin.site.site_title = "Client portal admin"

portal_patterns = (
    [
        path("", views.landing, name="landing"),
        path("home/", views.home, name="home"),
        path("welcome/", views.client_home, name="client_home"),
        path("staff/", views.staff_home, name="staff_home"),
        path("session/status/", views.session_status, name="session_status"),
        path("session/keepalive/", views.session_keepalive, name="session_keepalive"),
        path("staff/audit/", views.audit_log, name="audit_log"),
        path("staff/audit/export.csv", views.audit_log_csv, name="audit_log_csv"),
        path("staff/settings/", views_settings.settings_index, name="settings"),
        path("staff/settings/practice/", views_settings.settings_practice, name="settings_practice"),
        path("staff/settings/on-call/", views_settings.settings_safety, name="settings_safety"),
        path("staff/settings/screening/", views_settings.settings_screening, name="settings_screening"),
        path("staff/settings/staff/", views_settings.settings_staff, name="settings_staff"),
        path(
            "staff/settings/staff/<int:pk>/role/",
            views_settings.settings_staff_role,
            name="settings_staff_role",
        ),
        path(
            "staff/settings/staff/<int:pk>/second-factor/",
            views_settings.settings_staff_mfa_reset,
            name="settings_staff_mfa_reset",
        ),
        path(
            "staff/settings/staff/<int:pk>/invite-again/",
            views_settings.settings_staff_reinvite,
            name="settings_staff_reinvite",
        ),
        path(
            "staff/settings/staff/<int:pk>/deactivate/",
            views_settings.settings_staff_deactivate,
            name="settings_staff_deactivate",
        ),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("intake/", include("intake.urls")),
    path("scheduling/", include("scheduling.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.bad_request"
handler500 = "portal.views.server_error"
