from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    # Clients
    path("", views.my_appointments, name="my_appointments"),
    path("request/", views.request_new, name="request_new"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("appointments/<int:pk>/move/", views.appointment_move, name="appointment_move"),
    # Front desk and practice admin
    path("desk/", views.queue, name="queue"),
    path("desk/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("desk/requests/<int:pk>/book/", views.request_book, name="request_book"),
    path("desk/requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("desk/appointments/<int:pk>/", views.appointment_manage, name="appointment_manage"),
    path(
        "desk/appointments/<int:pk>/reschedule/", views.appointment_reschedule, name="appointment_reschedule"
    ),
    path(
        "desk/appointments/<int:pk>/cancel/", views.appointment_staff_cancel, name="appointment_staff_cancel"
    ),
    # All staff
    path("calendar/", views.calendar, name="calendar"),
    # Therapists (their own) and the practice admin (anyone's)
    path("hours/", views.hours, name="hours"),
    path("hours/availability/add/", views.availability_add, name="availability_add"),
    path("hours/availability/<int:pk>/remove/", views.availability_remove, name="availability_remove"),
    path("hours/time-off/add/", views.time_off_add, name="time_off_add"),
    path("hours/time-off/<int:pk>/remove/", views.time_off_remove, name="time_off_remove"),
]
