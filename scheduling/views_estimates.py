"""Good Faith Estimates: the client's page (read, acknowledge, ask for one), the PDF (streamed
only from here, each download audited), and the front desk's billing panel on a request's
page (payment details, benefits check, estimates issued, issue one now)."""

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from intake.selectors import FrontDeskFacts
from portal import access
from portal.models import User
from portal.selectors import practice_get

from . import selectors
from .access import estimate_for, request_for_scheduling
from .estimate_services import estimate_acknowledge, estimate_downloaded, estimate_problems
from .estimate_tasks import estimate_request_queue
from .forms import RowsModelChoiceField

MSG_ESTIMATE_ASKED = _(
    "Thank you. Your estimate is being prepared; it will be on this page in a minute, and we "
    "will email you that it is ready."
)
MSG_ESTIMATE_NO_THERAPIST = _(
    "We can prepare your estimate once you have asked for an appointment with a therapist. "
    "You can also call us and we will send one."
)
MSG_ESTIMATE_NOT_READY = _(
    "We can't prepare your estimate online just now. Please call us and we will send one."
)
MSG_ESTIMATE_QUEUE_FAILED = _("The estimate could not be started just now. Please try again in a minute.")
MSG_ESTIMATE_ACKNOWLEDGED = _("Thank you for letting us know you received it.")
MSG_DESK_ESTIMATE_QUEUED = _(
    "A Good Faith Estimate is being prepared; the client will be emailed that it is ready."
)

member_required = access.role_required(User.Role.CLIENT, *access.STAFF_ROLES)


class EstimateIssueForm(forms.Form):
    therapist = RowsModelChoiceField(queryset=User.objects.none(), label=_("Therapist named on the estimate"))

    def __init__(self, *args, therapists, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].choose_from(therapists)


@require_safe
@access.client_required
def estimates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "scheduling/estimates.html",
        {"estimates": selectors.client_estimates(client=request.user)},
    )


@require_POST
@access.client_required
def estimate_ask(request: HttpRequest) -> HttpResponse:
    therapist = selectors.estimate_therapist_for_client(client=request.user)
    if therapist is None:
        messages.info(request, MSG_ESTIMATE_NO_THERAPIST)
    elif estimate_problems(practice=practice_get(), therapist=therapist):
        messages.info(request, MSG_ESTIMATE_NOT_READY)
    elif estimate_request_queue(
        client_id=request.user.pk, therapist_id=therapist.pk, actor_id=request.user.pk
    ):
        messages.success(request, MSG_ESTIMATE_ASKED)
    else:
        messages.error(request, MSG_ESTIMATE_QUEUE_FAILED)
    return redirect("scheduling:estimates")


@require_POST
@access.client_required
def estimate_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    estimate = estimate_for(user=request.user, pk=pk)
    estimate_acknowledge(estimate=estimate, actor=request.user, request=request)
    messages.success(request, MSG_ESTIMATE_ACKNOWLEDGED)
    return redirect("scheduling:estimates")


@require_safe
@member_required
def estimate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    estimate = estimate_for(user=request.user, pk=pk)
    try:
        handle = estimate.file.open("rb")
    except OSError:
        # The row is the record; a file lost from storage is not a server error to show.
        raise Http404 from None
    estimate_downloaded(estimate=estimate, actor=request.user, request=request)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"good-faith-estimate-v{estimate.version}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    response["Content-Length"] = str(estimate.size)
    return response


@require_POST
@access.scheduling_staff_required
def estimate_issue_for_request(request: HttpRequest, pk: int) -> HttpResponse:
    appointment_request = request_for_scheduling(pk=pk)
    form = EstimateIssueForm(request.POST, therapists=selectors.therapists_active())
    if not form.is_valid():
        messages.error(request, form.errors["therapist"][0])
    elif problems := estimate_problems(practice=practice_get(), therapist=form.cleaned_data["therapist"]):
        messages.error(
            request, _("No estimate can be issued yet: %(problems)s.") % {"problems": "; ".join(problems)}
        )
    elif estimate_request_queue(
        client_id=appointment_request.client_id,
        therapist_id=form.cleaned_data["therapist"].pk,
        actor_id=request.user.pk,
    ):
        messages.success(request, MSG_DESK_ESTIMATE_QUEUED)
    else:
        messages.error(request, MSG_ESTIMATE_QUEUE_FAILED)
    return redirect("scheduling:request_detail", pk=appointment_request.pk)


def billing_context(
    *, client: User, therapist: User | None, facts: FrontDeskFacts, therapists: list[User]
) -> dict:
    """The billing panel of a request's page: payment details (no clinical content), the
    benefits check, the estimates issued and whether one is owed. `facts` and `therapists` are
    what the page already read (intake.selectors.intake_facts_for_front_desk, therapists_active)."""
    return {
        "payment": facts.payment,
        "estimates": selectors.client_estimates(client=client),
        "estimate_owed": facts.estimate_owed,
        "estimate_problems": estimate_problems(practice=practice_get(), therapist=therapist),
        "estimate_form": EstimateIssueForm(therapists=therapists, initial={"therapist": therapist}),
    }
