"""The practice admin's settings pages the intake owns: the agreements (a change is always a
new version; a signed one is never edited) and the therapists' profiles the Colorado
disclosure is written from. Part of the portal's settings menu."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from portal import access
from portal.models import TherapistCredentials, User

from .consent_services import ConsentDocumentIncomplete, consent_document_revise, therapist_credentials_save
from .forms_settings import AgreementVersionForm, TherapistProfileForm
from .models import ConsentDocument
from .selectors import agreements_for_settings, therapists_for_settings

MSG_VERSION_PUBLISHED = _("Version %(version)s of “%(title)s” is now the one clients are asked to sign.")
MSG_VERSION_SAME = _("The text is the same as the current version, so no new version was made.")
MSG_PROFILE_SAVED = _("Saved.")
MSG_DISCLOSURE_PUBLISHED = _("Version %(version)s of the Colorado disclosure is now the one clients sign.")
MSG_DISCLOSURE_WAITING = _("The Colorado disclosure was not published again yet: %(problems)s")


@require_safe
@access.practice_admin_required
def agreements(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/settings/agreements.html", {"kinds": agreements_for_settings()})


@require_http_methods(["GET", "HEAD", "POST"])
@access.practice_admin_required
def agreement_new_version(request: HttpRequest, kind: str) -> HttpResponse:
    """Write the next version of one agreement, starting from the current text. The Colorado
    disclosure is written from the therapists' profiles, so it has no such page."""
    if kind not in ConsentDocument.Kind.values or kind == ConsentDocument.Kind.CO_MANDATORY_DISCLOSURE:
        raise Http404
    current = ConsentDocument.objects.filter(kind=kind, is_current=True).first()
    initial = {"title": current.title, "body": current.body} if current else {}
    form = AgreementVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = consent_document_revise(
                kind=kind, **form.cleaned_data, actor=request.user, request=request
            )
        except ConsentDocumentIncomplete as incomplete:  # the practice's details changed meanwhile
            form.add_error("body", incomplete.problems)
        else:
            if current is not None and document.pk == current.pk:
                messages.info(request, MSG_VERSION_SAME)
            else:
                messages.success(
                    request, MSG_VERSION_PUBLISHED % {"version": document.version, "title": document.title}
                )
            return redirect("intake:settings_agreements")
    context = {"form": form, "current": current, "kind_label": ConsentDocument.Kind(kind).label}
    return render(request, "intake/settings/agreement_form.html", context, status=400 if form.errors else 200)


@require_safe
@access.practice_admin_required
def therapists(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/settings/therapists.html", {"therapists": therapists_for_settings()})


@require_http_methods(["GET", "HEAD", "POST"])
@access.practice_admin_required
def therapist_profile(request: HttpRequest, pk: int) -> HttpResponse:
    therapist = access.object_or_404(User.objects.filter(role=User.Role.THERAPIST), pk=pk)
    instance = TherapistCredentials.objects.filter(user=therapist).first() or TherapistCredentials(
        user=therapist
    )
    form = TherapistProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {field: value for field, value in form.cleaned_data.items() if field != "taking_new_clients"}
        saved = therapist_credentials_save(
            therapist=therapist,
            data=data,
            taking_new_clients=form.cleaned_data["taking_new_clients"],
            actor=request.user,
            request=request,
        )
        republished = saved.republished
        messages.success(request, MSG_PROFILE_SAVED)
        if republished.problems:
            messages.warning(request, MSG_DISCLOSURE_WAITING % {"problems": " ".join(republished.problems)})
        for document in republished.published:
            if document.kind == ConsentDocument.Kind.CO_MANDATORY_DISCLOSURE:
                messages.success(request, MSG_DISCLOSURE_PUBLISHED % {"version": document.version})
        return redirect("intake:settings_therapists")
    context = {"form": form, "therapist": therapist}
    return render(request, "intake/settings/therapist_form.html", context, status=400 if form.errors else 200)
