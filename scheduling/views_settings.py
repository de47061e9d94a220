"""The practice admin's settings page scheduling owns: session types and their fees. Part of
the portal's settings menu; Django admin is for engineers."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from portal import access

from .models import SessionType
from .session_type_services import SESSION_TYPE_FIELDS, session_type_save

MSG_SAVED = _("Saved “%(name)s”.")


class SessionTypeForm(forms.ModelForm):
    class Meta:
        model = SessionType
        fields = SESSION_TYPE_FIELDS

    def clean_service_code(self) -> str:
        return self.cleaned_data["service_code"].strip().upper()


@require_http_methods(["GET", "HEAD", "POST"])
@access.practice_admin_required
def session_types(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Every session type, and a form to change one (?pk in the path) or add one."""
    editing = access.object_or_404(SessionType.objects.all(), pk=pk) if pk is not None else None
    form = SessionTypeForm(request.POST or None, instance=editing or SessionType())
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in SESSION_TYPE_FIELDS}
        saved = session_type_save(session_type=editing, values=values, actor=request.user, request=request)
        messages.success(request, MSG_SAVED % {"name": saved.name})
        return redirect("scheduling:settings_session_types")
    context = {
        "form": form,
        "editing": editing,
        "session_types": SessionType.objects.order_by("-active", "duration_minutes", "name"),
    }
    return render(
        request, "scheduling/settings/session_types.html", context, status=400 if form.errors else 200
    )
