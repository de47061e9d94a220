from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.start, name="start"),
    path("step/<int:number>/", views.step, name="step"),
    path("autosave/", views.autosave, name="autosave"),
    path("pregnancies/add/", views.pregnancy_add, name="pregnancy_add"),
    path("pregnancies/<int:pk>/edit/", views.pregnancy_edit, name="pregnancy_edit"),
    path("pregnancies/<int:pk>/remove/", views.pregnancy_remove, name="pregnancy_remove"),
    path("agreements/<int:document_id>/sign/", views.agreement_sign, name="agreement_sign"),
    path("review/", views.review, name="review"),
    path("submit/", views.submit, name="submit"),
    path("your-answers/", views.summary, name="summary"),
]
