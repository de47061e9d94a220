from django.urls import path

from . import views, views_home_safety, views_payment, views_settings, views_staff, views_summary

app_name = "intake"

urlpatterns = [
    path("", views.start, name="start"),
    path("step/<int:number>/", views.step, name="step"),
    path("autosave/", views.autosave, name="autosave"),
    path("pregnancies/add/", views.pregnancy_add, name="pregnancy_add"),
    path("pregnancies/<int:pk>/edit/", views.pregnancy_edit, name="pregnancy_edit"),
    path("pregnancies/<int:pk>/remove/", views.pregnancy_remove, name="pregnancy_remove"),
    path("pregnancies/hard-dates/add/", views.hard_date_add_view, name="hard_date_add"),
    path("pregnancies/hard-dates/<int:pk>/remove/", views.hard_date_remove_view, name="hard_date_remove"),
    path("agreements/sign/", views.agreements_sign, name="agreements_sign"),
    path("safety-at-home/", views_home_safety.home_safety, name="home_safety"),
    # The practice admin's settings the intake owns (views_settings).
    path("settings/agreements/", views_settings.agreements, name="settings_agreements"),
    path(
        "settings/agreements/<slug:kind>/new/",
        views_settings.agreement_new_version,
        name="settings_agreement_new",
    ),
    path("settings/therapists/", views_settings.therapists, name="settings_therapists"),
    path("settings/therapists/<int:pk>/", views_settings.therapist_profile, name="settings_therapist"),
    path("review/", views.review, name="review"),
    path("submit/", views.submit, name="submit"),
    path("your-answers/", views.summary, name="summary"),
    path("your-answers/<int:pk>/summary.pdf", views_summary.summary_pdf, name="summary_pdf"),
    # The therapist review (clinical staff only).
    path("cards/<int:pk>/", views_payment.card_image, name="card_image"),
    path("staff/<int:pk>/benefits/", views_payment.benefits_check, name="benefits_check"),
    path("staff/referrals/", views_payment.referral_report_page, name="referral_report"),
    path("staff/queue/", views_staff.queue, name="staff_queue"),
    path("staff/<int:pk>/", views_staff.detail, name="staff_detail"),
    path("staff/<int:pk>/assign/", views_staff.assign, name="staff_assign"),
    path("staff/<int:pk>/status/", views_staff.change_status, name="staff_status"),
    path("staff/<int:pk>/notes/", views_staff.add_note, name="staff_note_add"),
    path("staff/flags/<int:pk>/acknowledge/", views_staff.acknowledge_flag, name="staff_flag_acknowledge"),
    # The PDF summary (views_summary).
    path("staff/<int:pk>/summary.pdf", views_summary.staff_summary_pdf, name="staff_summary_pdf"),
    path(
        "staff/<int:pk>/summary/rerender/",
        views_summary.staff_summary_rerender,
        name="staff_summary_rerender",
    ),
]
