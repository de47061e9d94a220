"""Safety at home: the HARK questions about a partner or ex-partner, asked from the Support
step only after the client says she can answer privately right now.

The page always offers a quick way out (static/js/quick_exit.js replaces this page in the
browser's history with a neutral site; without the script it is a plain link) and the
National Domestic Violence Hotline. Her answers are saved like any questionnaire's, and are
the therapist's alone (intake.facts.IntakeFacts.partner_safety): never the front desk's, never
in her own copy or in any message. The page is never cached, so Back does not bring it up
from the browser's store.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal import access
from portal.crisis import DOMESTIC_VIOLENCE_HOTLINE, EMERGENCY

from .instruments import HARK, PRIVATE_INSTRUMENTS, visible_items
from .questionnaire_forms import QuestionnairesForm, answer_to_value, question_name, question_options
from .questionnaire_services import questionnaire_answers_save
from .selectors import intake_questionnaires
from .steps import STEP_BY_NUMBER, SUPPORT
from .views import (
    _context,
    _intake_for,
    _locked_redirect,
    _questionnaire_snapshot,
    _under_age_redirect,
    calm_when_sent,
)

# The query that says she has told us she can answer privately now (nothing is stored).
PRIVATE_PARAM = "private"
PRIVATE_YES = "yes"
# A site with nothing to do with the practice, for the quick exit.
QUICK_EXIT_URL = "https://www.weather.gov/"
SAVED = gettext_lazy("Saved.")


def _questions(intake, posted: dict | None = None, errors: dict | None = None) -> list[dict]:
    responses = intake_questionnaires(intake=intake)
    answers = responses[HARK.code].answers if HARK.code in responses else {}
    shown = set(visible_items(HARK.code, answers))
    items = []
    for item in HARK.items:
        name = question_name(HARK.code, item.key)
        items.append(
            {
                "item": item,
                "name": name,
                "options": question_options(item),
                "value": (posted or {}).get(name)
                or (answer_to_value(answers[item.key]) if item.key in answers else ""),
                "error": (errors or {}).get(name, ""),
                "hidden": item.key not in shown,
            }
        )
    return items


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@access.client_required
@calm_when_sent
def home_safety(request: HttpRequest) -> HttpResponse:
    intake = _intake_for(request)
    if not intake.is_editable:
        return _locked_redirect(request)
    if under_age := _under_age_redirect(intake):
        return under_age
    errors = posted = None
    if request.method == "POST":
        form = QuestionnairesForm(request.POST, instruments=PRIVATE_INSTRUMENTS)
        form.is_valid()  # a value the page never offers is left out, as the form says
        loaded = form.loaded()
        saved = questionnaire_answers_save(
            intake=intake,
            code=HARK.code,
            answers=form.answers().get(HARK.code, {}),
            loaded=None if loaded is None else loaded.get(HARK.code, {}),
            actor=request.user,
            request=request,
        )
        if not saved.conflicts:
            messages.success(request, SAVED)
            number = SUPPORT + 1 if request.POST.get("action") == "next" else SUPPORT
            return redirect("intake:step", number=number)
        errors = form.conflict_messages({HARK.code: saved.conflicts})
        posted = {name: request.POST.get(name, "") for name in errors}
    private = request.method == "POST" or request.GET.get(PRIVATE_PARAM) == PRIVATE_YES
    questions = _questions(intake, posted, errors) if private else []
    saved_now = _questions(intake) if private else []
    return render(
        request,
        "intake/home_safety.html",
        _context(
            request,
            intake,
            # Part of the Support step: the progress bar says so ("Step 7 of 10").
            SUPPORT,
            support_step=STEP_BY_NUMBER[SUPPORT],
            private=private,
            private_param=PRIVATE_PARAM,
            private_yes=PRIVATE_YES,
            questions=questions,
            loaded_snapshot=_questionnaire_snapshot([{"items": saved_now}]),
            quick_exit_url=QUICK_EXIT_URL,
            home_safety_lines=(DOMESTIC_VIOLENCE_HOTLINE, EMERGENCY),
            error_summary=[{"anchor": name, "message": message} for name, message in (errors or {}).items()],
        ),
    )
