from django.urls import path

from . import views_client, views_desk, views_estimates, views_hours, views_settings

app_name = "scheduling"

urlpatterns = [
    # Clients
    path("", views_client.my_appointments, name="my_appointments"),
    path("request/", views_client.request_new, name="request_new"),
    path("requests/<int:pk>/withdraw/", views_client.request_withdraw, name="request_withdraw"),
    path("appointments/<int:pk>/cancel/", views_client.appointment_cancel, name="appointment_cancel"),
    path("appointments/<int:pk>/move/", views_client.appointment_move, name="appointment_move"),
    # Front desk and practice admin
    path("estimates/", views_estimates.estimates, name="estimates"),
    path("estimates/ask/", views_estimates.estimate_ask, name="estimate_ask"),
    path(
        "estimates/<int:pk>/acknowledge/",
        views_estimates.estimate_acknowledge_view,
        name="estimate_acknowledge",
    ),
    path("estimates/<int:pk>/estimate.pdf", views_estimates.estimate_pdf, name="estimate_pdf"),
    path(
        "desk/requests/<int:pk>/estimate/",
        views_estimates.estimate_issue_for_request,
        name="estimate_issue",
    ),
    path("desk/", views_desk.queue, name="queue"),
    path("desk/requests/<int:pk>/", views_desk.request_detail, name="request_detail"),
    path("desk/requests/<int:pk>/book/", views_desk.request_book, name="request_book"),
    path("desk/requests/<int:pk>/decline/", views_desk.request_decline, name="request_decline"),
    path("desk/appointments/<int:pk>/", views_desk.appointment_manage, name="appointment_manage"),
    path(
        "desk/appointments/<int:pk>/reschedule/",
        views_desk.appointment_reschedule,
        name="appointment_reschedule",
    ),
    path(
        "desk/appointments/<int:pk>/cancel/",
        views_desk.appointment_staff_cancel,
        name="appointment_staff_cancel",
    ),
    # All staff (the calendar is with the desk's pages)
    path("calendar/", views_desk.calendar, name="calendar"),
    # Therapists (their own) and the practice admin (anyone's)
    path("hours/", views_hours.hours, name="hours"),
    path("hours/availability/add/", views_hours.availability_add, name="availability_add"),
    path("hours/availability/<int:pk>/remove/", views_hours.availability_remove, name="availability_remove"),
    path("hours/time-off/add/", views_hours.time_off_add, name="time_off_add"),
    path("hours/time-off/<int:pk>/remove/", views_hours.time_off_remove, name="time_off_remove"),
    # The practice admin's settings
    path("settings/session-types/", views_settings.session_types, name="settings_session_types"),
    path("settings/session-types/<int:pk>/", views_settings.session_types, name="settings_session_type"),
    path("settings/office/", views_settings.office_hours, name="settings_office"),
    path("settings/office/closures/", views_settings.office_closure_new, name="settings_office_closure_new"),
    path(
        "settings/office/closures/<int:pk>/remove/",
        views_settings.office_closure_delete,
        name="settings_office_closure_remove",
    ),
]
