"""The practice admin's settings pages scheduling owns: session types and their fees, and the
office's in-person hours and closures. Part of the portal's settings menu; Django admin is
for engineers."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from portal import access

from . import slots
from .forms import OfficeClosureForm, OfficeHoursForm
from .models import OfficeClosure, SessionType
from .office_services import office_closure_add, office_closure_remove, office_hours_set
from .selectors import office_hours_map
from .session_type_services import SESSION_TYPE_FIELDS, session_type_save

MSG_SAVED = _("Saved “%(name)s”.")
MSG_OFFICE_HOURS_SAVED = _("The office hours are saved.")
MSG_OFFICE_HOURS_UNCHANGED = _("Nothing had changed, so nothing was saved.")
MSG_CLOSURE_ADDED = _("The office is marked closed on %(day)s.")
MSG_CLOSURE_REMOVED = _("The office is open again on %(day)s.")


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


def _office_page(
    request: HttpRequest, *, hours_form: OfficeHoursForm, closure_form: OfficeClosureForm, status: int
) -> HttpResponse:
    today = slots.to_practice_time(timezone.now()).date()
    context = {
        "hours_form": hours_form,
        "closure_form": closure_form,
        "closures": OfficeClosure.objects.filter(day__gte=today).order_by("day"),
    }
    return render(request, "scheduling/settings/office.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@access.practice_admin_required
def office_hours(request: HttpRequest) -> HttpResponse:
    """The office's hours for in-person sessions, and the days it is closed from today on."""
    form = OfficeHoursForm(request.POST or None, initial_hours=office_hours_map())
    if request.method == "POST" and form.is_valid():
        changed = office_hours_set(hours=form.cleaned_data["hours"], actor=request.user, request=request)
        messages.success(request, MSG_OFFICE_HOURS_SAVED if changed else MSG_OFFICE_HOURS_UNCHANGED)
        return redirect("scheduling:settings_office")
    return _office_page(
        request, hours_form=form, closure_form=OfficeClosureForm(), status=400 if form.errors else 200
    )


@require_POST
@access.practice_admin_required
def office_closure_new(request: HttpRequest) -> HttpResponse:
    form = OfficeClosureForm(request.POST)
    if not form.is_valid():
        hours_form = OfficeHoursForm(initial_hours=office_hours_map())
        return _office_page(request, hours_form=hours_form, closure_form=form, status=400)
    day = form.cleaned_data["day"]
    office_closure_add(day=day, name=form.cleaned_data["name"], actor=request.user, request=request)
    messages.success(request, MSG_CLOSURE_ADDED % {"day": day.strftime("%A, %B %-d, %Y")})
    return redirect("scheduling:settings_office")


@require_POST
@access.practice_admin_required
def office_closure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    closure = access.object_or_404(OfficeClosure.objects.all(), pk=pk)
    office_closure_remove(closure=closure, actor=request.user, request=request)
    messages.success(request, MSG_CLOSURE_REMOVED % {"day": closure.day.strftime("%A, %B %-d, %Y")})
    return redirect("scheduling:settings_office")
