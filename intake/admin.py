"""Django admin for the agreements clients sign.

Versions are never edited in place, so the admin offers a list and an "add" form only:
revising an agreement is adding its next version, pre-filled with the current text
(?kind=<kind>), and saving calls consent_document_revise.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin_base import PortalModelAdmin
from portal.models import TherapistCredentials
from portal.selectors import practice_get

from .consent_services import Republished, consent_document_revise, therapist_credentials_save
from .disclosure import CREDENTIAL_FIELDS
from .models import ConsentDocument
from .selectors import consent_text_problems_now

ERROR_DISCLOSURE_IS_WRITTEN = _(
    "The Colorado disclosure is written from the therapists' credentials and the practice's "
    "details: change those, and a new version is made."
)
MSG_DISCLOSURE_PUBLISHED = _(
    "Saved. Version %(version)s of the Colorado disclosure is now the one clients sign."
)
MSG_DISCLOSURE_UNCHANGED = _("Saved. The Colorado disclosure reads the same, so its version is unchanged.")
MSG_DISCLOSURE_WAITING = _("Saved. The Colorado disclosure was not published again yet: %(problems)s")


def disclosure_outcome(republished: Republished) -> tuple[str, int]:
    """What the practice admin is told after a change the disclosure is written from."""
    if republished.problems:
        return MSG_DISCLOSURE_WAITING % {"problems": " ".join(republished.problems)}, messages.WARNING
    disclosures = [d for d in republished.published if d.kind == ConsentDocument.Kind.CO_MANDATORY_DISCLOSURE]
    if disclosures:
        return MSG_DISCLOSURE_PUBLISHED % {"version": disclosures[0].version}, messages.SUCCESS
    return str(MSG_DISCLOSURE_UNCHANGED), messages.SUCCESS


class ConsentDocumentForm(forms.ModelForm):
    """Says beside the text what is missing, before anything is published."""

    class Meta:
        model = ConsentDocument
        fields = ("kind", "title", "body")

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        if kind == ConsentDocument.Kind.CO_MANDATORY_DISCLOSURE:
            raise forms.ValidationError(ERROR_DISCLOSURE_IS_WRITTEN)
        return kind

    def clean_body(self):
        body = self.cleaned_data["body"]
        if problems := consent_text_problems_now(body=body, practice=practice_get()):
            raise forms.ValidationError(problems)
        return body


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(PortalModelAdmin):
    list_display = (
        "title",
        "kind",
        "version",
        "is_current",
        "incomplete_reason",
        "created_at",
        "revise_link",
    )
    list_filter = ("kind", "is_current")
    list_display_links = None
    form = ConsentDocumentForm
    fields = ("kind", "title", "body")

    def get_urls(self):
        # No change, delete or history pages: a published version is never edited.
        return [
            path(
                "", self.admin_site.admin_view(self.changelist_view), name="intake_consentdocument_changelist"
            ),
            path("add/", self.admin_site.admin_view(self.add_view), name="intake_consentdocument_add"),
        ]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Revise"))
    def revise_link(self, obj: ConsentDocument) -> str:
        if not obj.is_current or obj.kind == ConsentDocument.Kind.CO_MANDATORY_DISCLOSURE:
            return ""
        url = reverse("admin:intake_consentdocument_add") + f"?kind={obj.kind}"
        return format_html('<a href="{}">{}</a>', url, _("Write a new version"))

    def get_changeform_initial_data(self, request):
        kind = request.GET.get("kind", "")
        current = ConsentDocument.objects.filter(kind=kind, is_current=True).first()
        if current is None:
            return {"kind": kind} if kind in ConsentDocument.Kind.values else {}
        return {"kind": current.kind, "title": current.title, "body": current.body}

    def render_change_form(self, request, context, *args, **kwargs):
        context.update(show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(request, context, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        document = consent_document_revise(
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            actor=request.user,
            request=request,
        )
        # The admin's own messages and log entry refer to the version now current.
        obj.pk = document.pk
        obj.version = document.version
        obj.is_current = document.is_current

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _("Version %(version)s of this agreement is now the one clients are asked to sign.")
            % {"version": obj.version},
        )
        return HttpResponseRedirect(reverse("admin:intake_consentdocument_changelist"))


@admin.register(TherapistCredentials)
class TherapistCredentialsAdmin(PortalModelAdmin):
    """Where the practice keeps what the Colorado disclosure says of each therapist. Saving
    publishes the disclosure anew (therapist_credentials_save), here because the intake
    writes the disclosure and the portal knows nothing of it."""

    list_display = ("user", "licence", "licence_number", "updated_at")
    list_select_related = ("user",)
    fields = ("user", *CREDENTIAL_FIELDS, "npi", "taking_new_clients")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ("user",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = therapist_credentials_save(
            therapist=obj.user,
            data={
                field: form.cleaned_data.get(field, getattr(obj, field))
                for field in (*CREDENTIAL_FIELDS, "npi")
            },
            taking_new_clients=form.cleaned_data.get("taking_new_clients", obj.taking_new_clients),
            actor=request.user,
            request=request,
        )
        obj.pk = saved.credentials.pk
        self.message_user(request, *disclosure_outcome(saved.republished))
