"""The client's intake pages. Thin: access helper, form, service, redirect or render."""

import datetime as dt
import json
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import time_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from portal import access
from portal.held import hold_when_signed_out
from portal.selectors import practice_get

from . import partner_words
from .access import (
    consent_documents_posted,
    hard_date_for_client,
    intake_own,
    pregnancy_entry_for_client,
)
from .consent_services import consent_sign_set
from .display import (
    NOT_ANSWERED,
    STEP_STATE_LABELS,
    Row,
    field_value_display,
    intake_sections,
    pregnancy_rows,
    step_state,
)
from .draft_services import (
    ERROR_CHANGED_ELSEWHERE,
    ERROR_LOCKED,
    ERROR_UNDER_AGE,
    ERROR_UNKNOWN_FIELD,
    IntakeConflictError,
    IntakeError,
    IntakeFieldError,
    IntakeLockedError,
    IntakeUnderAgeError,
    IntakeValidationError,
    intake_get_or_start,
)
from .forms import (
    GROUPED_FIELDS,
    LOADED_FIELD,
    PREGNANCY_ERROR_FIELDS,
    PREGNANCY_GROUPED_FIELDS,
    SECTION_BEFORE,
    AgreementsSignForm,
    HardDateForm,
    PregnancyEntryForm,
    field_for,
    form_snapshot,
    form_snapshot_value,
    pregnancy_form_initial,
    snapshot_values,
    step_form_class,
)
from .hard_date_services import hard_date_add, hard_date_remove
from .instruments import visible_items
from .models import ConsentDocument, Intake
from .pregnancy_services import pregnancy_entry_add, pregnancy_entry_remove, pregnancy_entry_update
from .questionnaire_forms import (
    QUESTIONNAIRE_PREFIX,
    QuestionnairesForm,
    answer_from_value,
    answer_label,
    answer_to_value,
    question_name,
    question_options,
    question_parse,
)
from .questionnaire_services import UNANSWERED, questionnaire_answers_autosave, questionnaires_save
from .risk_rules import needs_crisis_resources
from .selectors import (
    REASON_NEW_AGREEMENT,
    consent_document_text,
    consent_documents_required,
    consent_documents_to_sign_again,
    consent_documents_unsigned,
    consent_signatures,
    intake_contact_choices,
    intake_hard_dates,
    intake_is_under_minimum_age,
    intake_pregnancies,
    intake_questionnaires,
    intake_safety_panel,
    intake_steps_started,
    questionnaire_items_waiting,
    questionnaires_offered,
    same_day_evidence,
)
from .step_services import ERROR_UNDER_AGE_FIELD, intake_autosave_field, intake_save_step
from .steps import (
    ABOUT,
    AGREEMENTS,
    LAST_STEP,
    PAYMENT,
    PREGNANCIES,
    QUESTIONNAIRES,
    STEP_BY_NUMBER,
    STEPS,
    SUPPORT,
)
from .submit_services import IntakeSubmitError, intake_submit, intake_submit_problems
from .views_payment import card_uploads_save, payment_step_context

# The level whose full crisis panel this client has been shown (see _safety_panel_full).
SAFETY_SEEN_KEY = "intake_safety_panel_seen"
MSG_SENT = gettext_lazy("Thank you. Your intake is with the practice now, and we will be in touch soon.")
# Within step 5 opened from the review page: save and open its next questionnaire.
PART_NEXT_ACTION = "part_next"
# The Support step's button that saves the step and opens the safety-at-home questions.
HOME_SAFETY_ACTION = "home_safety"
# A question that appeared after a no-script save, for the page to point to.
MORE_PARAM = "more"
# Set when a no-script "Save and continue" was held on the step for the crisis panel.
AFTER_PARAM = "after"
# Step 5 shows one questionnaire per screen: which one (1-based, in the order offered).
PART_PARAM = "part"
# Or the screen that holds a question, by its name (a link to one question).
QUESTION_PARAM = "question"
LAST_PART = "last"
# Set on a step opened from the review page's "Edit": saving returns to the review.
FROM_PARAM, FROM_REVIEW = "from", "review"

# The pregnancy form saves nothing until it is valid, unlike a step page (whose summary
# says everything else was saved).
PREGNANCY_NOT_SAVED = gettext_lazy(
    "This pregnancy is not saved yet. Please look at the highlighted answer; everything you "
    "typed is still here."
)


def _saved_at(value: dt.datetime | None) -> str:
    return time_format(localtime(value), "H:i") if value else ""


def _from_review(request: HttpRequest) -> bool:
    return FROM_REVIEW in (request.GET.get(FROM_PARAM), request.POST.get(FROM_PARAM))


def _context(request: HttpRequest, intake: Intake, number: int | None, **extra) -> dict:
    under_age = intake_is_under_minimum_age(intake=intake)
    safety_level = intake_safety_panel(intake=intake)
    step = STEP_BY_NUMBER.get(number) if number else None
    return {
        "intake": intake,
        "steps": STEPS,
        "step": step,
        "step_number": number,
        # "Step 4 of 9": the step's place in STEPS, however many steps there are.
        "step_position": STEPS.index(step) + 1 if step else len(STEPS),
        "step_total": len(STEPS),
        # Once sent, or below the practice's minimum age, the other steps can't be opened,
        # so they are not offered.
        "progress": _progress(intake, number) if intake.is_editable and not under_age else [],
        "from_review": _from_review(request),
        "saved_at": _saved_at(intake.last_saved_at),
        "safety_level": safety_level,
        "safety_full": _safety_panel_full(request, safety_level),
        "under_age": under_age,
        "under_age_message": ERROR_UNDER_AGE,
        "autosave_url": reverse("intake:autosave"),
        "continue_href": _continue_href(request, number),
        "last_step": LAST_STEP,
        "step_numbers": {
            "pregnancies": PREGNANCIES,
            "questionnaires": QUESTIONNAIRES,
            "agreements": AGREEMENTS,
        },
        **extra,
    }


def _safety_level(risk_level: str) -> str:
    """ "urgent" or "high" once an answer has raised a same-day level, else ""."""
    return risk_level if needs_crisis_resources(risk_level) else ""


def _safety_panel(request: HttpRequest, risk_level: str) -> str:
    """The crisis panel a save's answer calls for (see selectors.intake_safety_panel): read
    again only when a same-day level was reached."""
    if not _safety_level(risk_level):
        return ""
    return intake_safety_panel(intake=intake_own(user=request.user))


def _safety_panel_full(request: HttpRequest, level: str) -> bool:
    """Whether this page shows the full crisis panel: the first time at each level; after
    that a short strip of the most direct lines stays at the top of every page."""
    if not level or request.session.get(SAFETY_SEEN_KEY) == level:
        return False
    request.session[SAFETY_SEEN_KEY] = level
    return True


def _raised_to_same_day(before: str, after: str) -> bool:
    return bool(_safety_level(after)) and after != before


def _back_to_safety(number: int, action: str, first_new: str = "", part: int = 0) -> HttpResponse:
    """Without JavaScript the crisis resources are shown on the same step (the same
    questionnaire), at the top, before the client moves on; the panel's "keep going" then
    leads where she was going (a question that just appeared, or the next page if she
    pressed "Save and continue")."""
    params = {MORE_PARAM: first_new} if first_new else ({AFTER_PARAM: "next"} if action == "next" else {})
    return redirect(_step_url(number, **params, **{PART_PARAM: part or ""}) + "#safety")


def _continue_href(request: HttpRequest, number: int | None, *, part: int = 0, parts: int = 0) -> str:
    """Where the crisis panel's "keep going" link leads on this page."""
    if number and request.GET.get(AFTER_PARAM) == "next":
        if part and part < parts:
            return _step_url(number, **{PART_PARAM: part + 1})
        if number < LAST_STEP:
            return reverse("intake:step", kwargs={"number": number + 1})
        return reverse("intake:review")
    return "#intake-continue"


def _progress(intake: Intake, number: int | None) -> list[dict]:
    """Each step with its state as the progress list shows it (intake.display words it)."""
    # Read once for both: whether step 5 is started, and whether a question shown waits.
    responses = intake_questionnaires(intake=intake) if intake.pk is not None else {}
    started = intake_steps_started(intake=intake, questionnaires=responses)
    needed = {problem.step for problem in intake_submit_problems(intake=intake)}
    # Questionnaires are optional to send, but not done while a question shown is unanswered.
    if started[QUESTIONNAIRES] and questionnaire_items_waiting(intake=intake, responses=responses):
        needed.add(QUESTIONNAIRES)
    progress = []
    # The pregnancy step is worded for her or his path (partner_words).
    for s in partner_words.steps_for(intake.pregnancy_role):
        state = step_state(started=started[s.number], needs_more=s.number in needed)
        progress.append(
            {"step": s, "state": state, "label": STEP_STATE_LABELS[state], "current": s.number == number}
        )
    return progress


def _locked_redirect(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        messages.info(request, ERROR_LOCKED)
    return redirect("intake:summary")


def calm_when_sent(view):
    """The same calm answer on every write path when the intake was sent a moment ago (from
    another tab, say) between the page's check and the save, instead of an error page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except IntakeLockedError:
            return _locked_redirect(request)

    return wrapped


def _step_url(number: int, **params) -> str:
    query = {k: v for k, v in params.items() if v}
    return reverse("intake:step", kwargs={"number": number}) + (f"?{urlencode(query)}" if query else "")


def _after_save(request: HttpRequest, number: int, *, part: int = 0, parts: int = 0) -> HttpResponse:
    """Where a saved step leads: the next or previous step (or questionnaire, within step
    5), this page again, or back to the review page when she came from its "Edit"."""
    action = request.POST.get("action", "save")
    from_review = FROM_REVIEW if _from_review(request) else ""
    if action == "review" or (action == "next" and from_review):
        return redirect("intake:review")
    if action == "back" and part > 1:
        return redirect(_step_url(number, **{PART_PARAM: part - 1, FROM_PARAM: from_review}))
    if action == PART_NEXT_ACTION and part and part < parts:
        # From the review's "Edit": on to the next questionnaire, still on the way back there.
        return redirect(_step_url(number, **{PART_PARAM: part + 1, FROM_PARAM: from_review}))
    if action == "back" and number > 1:
        return redirect(
            _step_url(number - 1, **({PART_PARAM: LAST_PART} if number - 1 == QUESTIONNAIRES else {}))
        )
    if action == "next" and part and part < parts:
        return redirect(_step_url(number, **{PART_PARAM: part + 1}))
    if action == "next":
        return redirect("intake:step", number=number + 1) if number < LAST_STEP else redirect("intake:review")
    if action == HOME_SAFETY_ACTION and number == SUPPORT:
        return redirect("intake:home_safety")
    return redirect(_step_url(number, **{PART_PARAM: part or "", FROM_PARAM: from_review}))


def _error_summary(form_errors: dict, prefix: str = "id_", leave_out=()) -> list[dict]:
    return [
        {"anchor": f"{prefix}{name}", "message": msgs[0]}
        for name, msgs in form_errors.items()
        if msgs and msgs[0] not in leave_out
    ]


def _intake_for(request: HttpRequest) -> Intake:
    """The client's own intake: a page only reads it (unsaved before her first answer); a
    save starts it first if need be."""
    if request.method == "POST":
        return intake_get_or_start(client=request.user, request=request)
    return intake_own(user=request.user)


def _under_age_redirect(intake: Intake) -> HttpResponse | None:
    """To step 1 (which explains, with the practice's phone) when the client is too young to
    go on online; None otherwise."""
    if intake_is_under_minimum_age(intake=intake):
        return redirect("intake:step", number=ABOUT)
    return None


@require_safe
@access.client_required
def start(request: HttpRequest) -> HttpResponse:
    """Begin, or pick up where the client left off."""
    intake = intake_own(user=request.user)
    if not intake.is_editable:
        return redirect("intake:summary")
    return redirect("intake:step", number=intake.current_step)


@hold_when_signed_out
@require_http_methods(["GET", "HEAD", "POST"])
@access.client_required
@calm_when_sent
def step(request: HttpRequest, number: int) -> HttpResponse:
    if number not in STEP_BY_NUMBER:
        raise Http404
    intake = _intake_for(request)
    if not intake.is_editable:
        return _locked_redirect(request)
    if number != ABOUT and (under_age := _under_age_redirect(intake)):
        return under_age
    if number == PREGNANCIES:
        return _pregnancies_step(request, intake)
    if number == QUESTIONNAIRES:
        return _questionnaires_step(request, intake)
    if number == AGREEMENTS:
        return _agreements_step(request, intake)
    return _fields_step(request, intake, number)


def _fields_step(request: HttpRequest, intake: Intake, number: int) -> HttpResponse:
    form_class = step_form_class(STEP_BY_NUMBER[number])
    if request.method == "POST":
        form = form_class(request.POST)
        form.is_valid()
        level_before = intake.risk_level
        try:
            saved = intake_save_step(
                intake=intake,
                step=number,
                data=dict(form.cleaned_data),
                loaded=snapshot_values(form_class, request.POST.get(LOADED_FIELD)),
                actor=request.user,
                request=request,
            )
        except IntakeUnderAgeError:
            return redirect("intake:step", number=ABOUT)
        for name, message in saved.errors.items():
            form.add_error(name, message)
        for name, current in saved.conflicts.items():
            form.add_error(name, ERROR_CHANGED_ELSEWHERE % {"current": field_value_display(name, current)})
        if number == ABOUT and saved.under_age and "date_of_birth" not in form.errors:
            # Never a silent stay: say why, next to the answer that can change it.
            form.add_error("date_of_birth", ERROR_UNDER_AGE_FIELD)
        card_errors = card_uploads_save(request, intake) if number == PAYMENT else {}
        if not form.errors and not card_errors:
            if _raised_to_same_day(level_before, saved.risk_level):
                return _back_to_safety(number, request.POST.get("action", "save"))
            return _after_save(request, number)
        # The page again, showing what is saved now.
        intake = intake_own(user=request.user)
    else:
        form = form_class(initial={name: getattr(intake, name) for name in form_class.base_fields})
        card_errors = {}
    # What is saved now, for the page to post back: its next save writes only what it changed.
    saved_now = form_class(initial={name: getattr(intake, name) for name in form_class.base_fields})
    for name, field in form.fields.items():
        field.label = partner_words.field_label(name, intake.pregnancy_role, field.label)
        if isinstance(field, forms.ChoiceField):
            field.choices = partner_words.field_choices(name, intake.pregnancy_role, field.choices)
    return render(
        request,
        "intake/step_fields.html",
        _context(
            request,
            intake,
            number,
            form=form,
            loaded_snapshot=form_snapshot(saved_now),
            rows=[(bound, SECTION_BEFORE.get(bound.name, "")) for bound in form],
            home_safety_action=HOME_SAFETY_ACTION if number == SUPPORT else "",
            grouped_fields=GROUPED_FIELDS,
            # The under-age panel at the top says it already, kindly; not "needs another look".
            error_summary=[
                *_error_summary(form.errors, leave_out=(ERROR_UNDER_AGE_FIELD,)),
                *({"anchor": f"id_{name}", "message": message} for name, message in card_errors.items()),
            ],
            under_age_stopped=request.method == "POST" and intake_is_under_minimum_age(intake=intake),
            **(payment_step_context(intake, card_errors) if number == PAYMENT else {}),
        ),
    )


def _pregnancies_step(request: HttpRequest, intake: Intake) -> HttpResponse:
    if request.method == "POST":
        intake_save_step(intake=intake, step=PREGNANCIES, data={}, actor=request.user, request=request)
        return _after_save(request, PREGNANCIES)
    return _pregnancies_page(request, intake, HardDateForm())


def _pregnancy_step_words(intake: Intake) -> dict:
    """The pregnancy step's title, note and introduction: on the partner path, worded for
    the pregnancies she or he went through with a partner."""
    return {
        "step": partner_words.pregnancy_step(STEP_BY_NUMBER[PREGNANCIES], intake.pregnancy_role),
        "shared_path": partner_words.is_shared(intake.pregnancy_role),
    }


def _pregnancy_entries(intake: Intake) -> list[tuple]:
    """(entry, its rows, what happened in the words of her or his path) for each pregnancy."""
    return [
        (
            e,
            pregnancy_rows(e),
            partner_words.outcome_label(e.outcome, e.get_outcome_display(), intake.pregnancy_role),
        )
        for e in intake_pregnancies(intake=intake)
    ]


def _pregnancies_page(request: HttpRequest, intake: Intake, hard_date_form: forms.Form) -> HttpResponse:
    entries = _pregnancy_entries(intake)
    return render(
        request,
        "intake/step_pregnancies.html",
        _context(
            request,
            intake,
            PREGNANCIES,
            entries=entries,
            hard_dates=intake_hard_dates(intake=intake),
            hard_date_form=hard_date_form,
            **_pregnancy_step_words(intake),
        ),
        status=200,
    )


def _pregnancies_url(request: HttpRequest) -> str:
    """The pregnancy step, still on the way back to the review when she came from its Edit."""
    return _step_url(PREGNANCIES, **{FROM_PARAM: FROM_REVIEW if _from_review(request) else ""})


def _pregnancy_form_page(request, intake, form, entry=None, status=200) -> HttpResponse:
    return render(
        request,
        "intake/pregnancy_form.html",
        _context(
            request,
            intake,
            PREGNANCIES,
            form=form,
            entry=entry,
            grouped_fields=PREGNANCY_GROUPED_FIELDS,
            error_summary=_error_summary(form.errors),
            not_saved_message=PREGNANCY_NOT_SAVED,
            **_pregnancy_step_words(intake),
        ),
        status=status,
    )


def _entry_form_errors(form: forms.Form, exc: IntakeValidationError) -> None:
    for name, message in exc.errors.items():
        name = PREGNANCY_ERROR_FIELDS.get(name, name)
        form.add_error(name if name in form.fields else None, message)


@hold_when_signed_out
@require_http_methods(["GET", "HEAD", "POST"])
@access.client_required
@calm_when_sent
def pregnancy_add(request: HttpRequest) -> HttpResponse:
    intake = _intake_for(request)
    if not intake.is_editable:
        return _locked_redirect(request)
    if under_age := _under_age_redirect(intake):
        return under_age
    shared = partner_words.is_shared(intake.pregnancy_role)
    form = PregnancyEntryForm(request.POST if request.method == "POST" else None, shared=shared)
    if request.method == "POST" and form.is_valid():
        try:
            pregnancy_entry_add(intake=intake, data=form.cleaned_data, actor=request.user, request=request)
        except IntakeValidationError as exc:
            _entry_form_errors(form, exc)
        else:
            messages.success(request, _("Saved. Thank you for sharing this."))
            return redirect(_pregnancies_url(request))
    return _pregnancy_form_page(request, intake, form)


@hold_when_signed_out
@require_http_methods(["GET", "HEAD", "POST"])
@access.client_required
@calm_when_sent
def pregnancy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = pregnancy_entry_for_client(user=request.user, pk=pk)
    intake = entry.intake
    if not intake.is_editable:
        return _locked_redirect(request)
    if under_age := _under_age_redirect(intake):
        return under_age
    form = PregnancyEntryForm(
        request.POST if request.method == "POST" else None,
        initial=pregnancy_form_initial(entry),
        shared=partner_words.is_shared(intake.pregnancy_role),
    )
    if request.method == "POST" and form.is_valid():
        try:
            pregnancy_entry_update(entry=entry, data=form.cleaned_data, actor=request.user, request=request)
        except IntakeValidationError as exc:
            _entry_form_errors(form, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(_pregnancies_url(request))
    return _pregnancy_form_page(request, intake, form, entry=entry)


@require_http_methods(["GET", "HEAD", "POST"])
@access.client_required
@calm_when_sent
def pregnancy_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = pregnancy_entry_for_client(user=request.user, pk=pk)
    intake = entry.intake
    if not intake.is_editable:
        return _locked_redirect(request)
    if under_age := _under_age_redirect(intake):
        return under_age
    if request.method == "POST":
        pregnancy_entry_remove(entry=entry, actor=request.user, request=request)
        messages.success(request, _("That pregnancy has been removed from your answers."))
        return redirect(_pregnancies_url(request))
    return render(
        request,
        "intake/pregnancy_remove.html",
        _context(
            request,
            intake,
            PREGNANCIES,
            entry=entry,
            rows=pregnancy_rows(entry),
            label=partner_words.outcome_label(
                entry.outcome, entry.get_outcome_display(), intake.pregnancy_role
            ),
            **_pregnancy_step_words(intake),
        ),
    )


@hold_when_signed_out
@require_POST
@access.client_required
@calm_when_sent
def hard_date_add_view(request: HttpRequest) -> HttpResponse:
    intake = _intake_for(request)
    if not intake.is_editable:
        return _locked_redirect(request)
    if under_age := _under_age_redirect(intake):
        return under_age
    form = HardDateForm(request.POST)
    if form.is_valid():
        try:
            hard_date_add(intake=intake, data=form.cleaned_data, actor=request.user, request=request)
        except IntakeValidationError as exc:
            _entry_form_errors(form, exc)
        else:
            messages.success(request, _("Saved. Thank you for telling us."))
            return redirect(reverse("intake:step", kwargs={"number": PREGNANCIES}) + "#hard-dates")
    return _pregnancies_page(request, intake, form)


@require_POST
@access.client_required
@calm_when_sent
def hard_date_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    hard_date = hard_date_for_client(user=request.user, pk=pk)
    if not hard_date.intake.is_editable:
        return _locked_redirect(request)
    hard_date_remove(hard_date=hard_date, actor=request.user, request=request)
    messages.success(request, _("That date has been removed from your answers."))
    return redirect(reverse("intake:step", kwargs={"number": PREGNANCIES}) + "#hard-dates")


# --- Questionnaires


def _questionnaire_blocks(
    intake: Intake, *, first_new: str = "", posted: dict | None = None, errors: dict | None = None
) -> list[dict]:
    """Every question of every questionnaire offered, each marked hidden or shown.

    Follow-up questions (the ASQ's "right now" question, the PC-PTSD-5's five after the
    trauma question) are in the page from the start, hidden until an answer calls for them.
    Their rule comes with them as data attributes, so the script shows them in place the
    moment the answer is given, without reloading the page; without the script the server
    decides, as here.
    """
    responses = intake_questionnaires(intake=intake)
    blocks = []
    for instrument in questionnaires_offered():
        answers = responses[instrument.code].answers if instrument.code in responses else {}
        shown = set(visible_items(instrument.code, answers))
        items = []
        stem_pending = bool(instrument.stem)
        for item in instrument.items:
            show_stem = stem_pending and item.scored
            stem_pending = stem_pending and not show_stem
            rule = item.shown_when
            name = question_name(instrument.code, item.key)
            items.append(
                {
                    "item": item,
                    "name": name,
                    "options": question_options(item),
                    "value": (posted or {}).get(name)
                    or (answer_to_value(answers[item.key]) if item.key in answers else ""),
                    "error": (errors or {}).get(name, ""),
                    "show_stem": show_stem,
                    "hidden": item.key not in shown,
                    "is_new": name == first_new,
                    "shown_when_fields": " ".join(question_name(instrument.code, k) for k in rule.keys)
                    if rule
                    else "",
                    "shown_when_values": " ".join(answer_to_value(v) for v in rule.values) if rule else "",
                }
            )
        blocks.append({"instrument": instrument, "items": items})
    return blocks


def _questions_waiting(intake: Intake) -> list[str]:
    """Names of the questions shown now and not yet answered, in page order."""
    return [question_name(code, key) for code, key in questionnaire_items_waiting(intake=intake)]


def _resume_question(intake: Intake, first_new: str) -> str:
    """The first question still to answer in the questionnaire where `first_new` appeared."""
    prefix = first_new.rsplit("-", 1)[0] + "-"
    return next((n for n in _questions_waiting(intake) if n.startswith(prefix)), first_new)


def _questionnaire_snapshot(blocks: list[dict]) -> str:
    """What the page shows for every question, as it would post it unchanged."""
    return json.dumps({q["name"]: [q["value"]] if q["value"] else [] for b in blocks for q in b["items"]})


# A questionnaire without follow-up questions longer than this is asked over several screens,
# so that no screen is a long scroll on a phone; one with follow-ups stays on one screen, so
# a question and the ones it brings up are always together.
SCREEN_QUESTIONS_MAX = 4


def _screens(blocks: list[dict]) -> list[dict]:
    """Step 5's screens, in order, from every questionnaire offered (so a new instrument in
    the registry gets its own screen): each with its questionnaire's place among them and,
    for a long one, which of its pages this is."""
    screens = []
    for number, block in enumerate(blocks, 1):
        chunks: list[list[dict]] = [[]]
        for q in block["items"]:
            # A follow-up stays on its question's screen (it is shown or hidden in place);
            # any other question opens a new screen once this one is full, or where the
            # questionnaire begins a new part with words of its own (a preamble).
            # The step's first screen also carries its opening note: one question fewer.
            first = not screens and len(chunks) == 1
            full = len(chunks[-1]) >= SCREEN_QUESTIONS_MAX - first
            if chunks[-1] and not q["item"].shown_when and (full or q["item"].preamble):
                chunks.append([])
            chunks[-1].append(q)
        for page, chunk in enumerate(chunks, 1):
            screens.append(
                {
                    **block,
                    "items": chunk,
                    "number": number,
                    "count": len(blocks),
                    "page": page,
                    "pages": len(chunks),
                }
            )
    return screens


def _part(raw: str | None, parts: int) -> int:
    """The questionnaire screen asked for (1-based): "last", a number in range, else the first."""
    if raw == LAST_PART:
        return parts
    return int(raw) if raw and raw.isdigit() and 1 <= int(raw) <= parts else 1


def _part_of(name: str, blocks: list[dict]) -> int:
    """The screen that holds a question."""
    return next((i for i, b in enumerate(blocks, 1) if any(q["name"] == name for q in b["items"])), 1)


def _questionnaires_step(request: HttpRequest, intake: Intake) -> HttpResponse:
    parts = len(_screens(_questionnaire_blocks(intake)))
    if request.method == "POST":
        part = _part(request.POST.get(PART_PARAM), parts)
        action = request.POST.get("action", "save")
        form = QuestionnairesForm(request.POST)
        form.is_valid()  # a value the page never offers is left out, as the form says
        level_before = intake.risk_level
        # An urgent level whose panel turns to "this can be a medical emergency" is shown too.
        panel_before = intake_safety_panel(intake=intake)
        evidence_before = same_day_evidence(client=intake.client) if panel_before else 0
        saved = questionnaires_save(
            intake=intake, answers=form.answers(), loaded=form.loaded(), actor=request.user, request=request
        )
        if saved.conflicts:
            errors = form.conflict_messages(saved.conflicts)
            posted = {name: request.POST.get(name, "") for name in errors}
            return _questionnaires_page(request, intake, part=part, posted=posted, errors=errors)
        # An answer may call for a follow-up question the page did not show (without the
        # script, only the server can show it): stay on its questionnaire, at that question.
        first_new = question_name(*saved.first_new) if saved.first_new else ""
        if first_new:
            part = _part_of(first_new, _screens(_questionnaire_blocks(intake)))
        again = bool(panel_before) and same_day_evidence(client=intake.client) > evidence_before
        if again:
            request.session.pop(SAFETY_SEEN_KEY, None)  # the full panel, not the strip
        if (
            again
            or _raised_to_same_day(level_before, saved.risk_level)
            or (panel_before and _safety_panel(request, saved.risk_level) != panel_before)
        ):
            # From the review page (its open "right now" question), the panel shows there.
            if action == "review" and not first_new:
                return redirect(reverse("intake:review") + "#safety")
            return _back_to_safety(QUESTIONNAIRES, action, first_new, part=part)
        if first_new:
            # On at the first question of that questionnaire still to answer (those before
            # the new one are not skipped); the new one says why it appeared.
            here = _step_url(QUESTIONNAIRES, **{MORE_PARAM: first_new, PART_PARAM: part})
            return redirect(f"{here}#{_resume_question(intake, first_new)}-wrap")
        return _after_save(request, QUESTIONNAIRES, part=part, parts=parts)
    asked = request.GET.get(QUESTION_PARAM) or request.GET.get(MORE_PARAM)
    if asked and request.GET.get(PART_PARAM) is None:
        part = _part_of(asked, _screens(_questionnaire_blocks(intake)))
    else:
        part = _part(request.GET.get(PART_PARAM), parts)
    return _questionnaires_page(request, intake, part=part)


def _questionnaires_page(
    request: HttpRequest, intake: Intake, *, part: int, posted=None, errors=None
) -> HttpResponse:
    """One questionnaire per screen, so that each page is short on a phone."""
    waiting = _questions_waiting(intake)
    first_new = request.GET.get(MORE_PARAM, "")
    first_new = first_new if first_new in waiting else ""
    blocks = _screens(_questionnaire_blocks(intake, first_new=first_new, posted=posted, errors=errors))
    block = blocks[part - 1]
    return render(
        request,
        "intake/step_questionnaires.html",
        _context(
            request,
            intake,
            QUESTIONNAIRES,
            questionnaire=block,
            part=part,
            parts=len(blocks),
            # What is saved now (not what was posted), so the next save writes what differs.
            loaded_snapshot=_questionnaire_snapshot([_screens(_questionnaire_blocks(intake))[part - 1]])
            if posted
            else _questionnaire_snapshot([block]),
            continue_href=f"#{_resume_question(intake, first_new)}-wrap"
            if first_new
            else _continue_href(request, QUESTIONNAIRES, part=part, parts=len(blocks)),
            error_summary=[{"anchor": name, "message": message} for name, message in (errors or {}).items()],
            partner_note=partner_words.questionnaire_note(block["instrument"].code, intake.pregnancy_role),
        ),
    )


# --- Agreements


def _agreements_to_sign(intake: Intake) -> list[ConsentDocument]:
    """What her one signature covers now: while a draft, every agreement not yet signed; once
    sent, only the complete versions of those she signed while they were incomplete."""
    if intake.is_editable:
        return consent_documents_unsigned(intake=intake)
    return [document for document, _why in consent_documents_to_sign_again(intake=intake)]


def _agreements_signing(intake: Intake, form: AgreementsSignForm | None = None) -> dict:
    """The one signing form for every agreement she has still to sign: each to open and read,
    with its version and date and a tick; her name once. After a refusal, what she ticked and
    typed is kept, each error sits by its field, and the first one takes the focus."""
    practice = practice_get()
    again = dict(consent_documents_to_sign_again(intake=intake))
    documents = _agreements_to_sign(intake)
    form = form or AgreementsSignForm(
        initial={"shown": [d.pk for d in documents]}, document_ids=[d.pk for d in documents]
    )
    ticked = {int(v) for v in form.data.getlist("read") if v.isdigit()} if form.is_bound else set()
    read_error = form.is_bound and "read" in form.errors
    blocks = []
    for document in documents:
        missing = read_error and document.pk not in ticked
        blocks.append(
            {
                "document": document,
                "text": consent_document_text(document=document, practice=practice),
                "again_reason": again.get(document),
                "again_new": again.get(document) == str(REASON_NEW_AGREEMENT),
                "contact_choices": intake_contact_choices(intake=intake)
                if document.kind == ConsentDocument.Kind.COMMUNICATIONS
                else None,
                "ticked": document.pk in ticked,
                "missing": missing,
                "focus": missing and not any(b["focus"] for b in blocks),
            }
        )
    if form.is_bound and "typed_name" in form.errors and not any(b["focus"] for b in blocks):
        form.fields["typed_name"].widget.attrs["autofocus"] = True
    return {"blocks": blocks, "form": form}


def _agreements_step(request: HttpRequest, intake: Intake) -> HttpResponse:
    if request.method == "POST":
        intake_save_step(intake=intake, step=AGREEMENTS, data={}, actor=request.user, request=request)
        return _after_save(request, AGREEMENTS)
    return _agreements_page(request, intake)


def _agreements_page(
    request: HttpRequest, intake: Intake, form: AgreementsSignForm | None = None
) -> HttpResponse:
    signatures = consent_signatures(intake=intake)
    signed = [d for d in consent_documents_required(intake=intake) if d.pk in signatures]
    return render(
        request,
        "intake/step_agreements.html",
        _context(
            request,
            intake,
            AGREEMENTS,
            signing=_agreements_signing(intake, form),
            signed=[
                {
                    "document": d,
                    "signature": signatures[d.pk],
                    "text": signatures[d.pk].text
                    or consent_document_text(document=d, practice=practice_get()),
                }
                for d in signed
            ],
        ),
    )


@require_POST
@access.client_required
@calm_when_sent
def agreements_sign(request: HttpRequest) -> HttpResponse:
    intake = intake_get_or_start(client=request.user, request=request)
    to_sign = _agreements_to_sign(intake)
    if not intake.is_editable and not to_sign:
        return _locked_redirect(request)
    if under_age := _under_age_redirect(intake):
        return under_age
    posted = [int(v) for v in request.POST.getlist("shown") if v.isdigit()]
    documents = consent_documents_posted(pks=posted)
    form = AgreementsSignForm(request.POST, document_ids=[d.pk for d in documents])
    form.is_valid()
    try:
        signed = consent_sign_set(
            intake=intake,
            documents=documents,
            read=set(form.cleaned_data.get("read", [])),
            typed_name=form.cleaned_data.get("typed_name", ""),
            request=request,
        )
    except IntakeValidationError as exc:
        for name, message in exc.errors.items():
            form.add_error(name if name in form.fields else None, message)
        if intake.is_editable:
            return _agreements_page(request, intake, form)
        return _summary_page(request, intake, form)
    messages.success(
        request,
        ngettext(
            "Thank you. You signed %(count)s agreement.",
            "Thank you. You signed %(count)s agreements.",
            len(signed),
        )
        % {"count": len(signed)},
    )
    if intake.is_editable:
        return redirect(reverse("intake:step", kwargs={"number": AGREEMENTS}))
    return redirect(reverse("intake:summary"))


# --- Review, submit, read-only view


def _questionnaire_answers(blocks: list[dict]) -> list[dict]:
    """Her answers to each questionnaire, as she gave them (never a score), for her to check."""
    answers = []
    for block in blocks:
        shown = [q for q in block["items"] if not q["hidden"]]
        rows = [
            Row(
                q["item"].text,
                str(dict(q["options"]).get(q["value"], NOT_ANSWERED)) if q["value"] else str(NOT_ANSWERED),
            )
            for q in shown
        ]
        answers.append(
            {
                "instrument": block["instrument"],
                "rows": rows,
                "answered": sum(1 for q in shown if q["value"]),
                "shown": len(shown),
            }
        )
    return answers


def _open_acuity_questions(blocks: list[dict]) -> list[dict]:
    """A "right now" question (the ASQ's question 5) that an answer called for and that has
    no answer yet: the review page offers it before the intake is sent."""
    return [
        q
        for block in blocks
        for q in block["items"]
        if q["item"].key == block["instrument"].acuity_item and not q["hidden"] and not q["value"]
    ]


def _answers_context(intake: Intake) -> dict:
    blocks = _questionnaire_blocks(intake)
    return {
        "sections": intake_sections(intake),
        "entries": _pregnancy_entries(intake),
        # Hers to check before she sends them (added on the pregnancy step).
        "hard_dates": intake_hard_dates(intake=intake),
        "pregnancy_title": partner_words.pregnancy_step(
            STEP_BY_NUMBER[PREGNANCIES], intake.pregnancy_role
        ).title,
        "questionnaires": _questionnaire_answers(blocks),
        "open_questions": _open_acuity_questions(blocks) if intake.is_editable else [],
        "signatures": list(consent_signatures(intake=intake).values()),
    }


@require_safe
@access.client_required
def review(request: HttpRequest) -> HttpResponse:
    intake = intake_own(user=request.user)
    if not intake.is_editable:
        return redirect("intake:summary")
    if under_age := _under_age_redirect(intake):
        return under_age
    return render(
        request,
        "intake/review.html",
        _context(
            request, intake, None, problems=intake_submit_problems(intake=intake), **_answers_context(intake)
        ),
    )


@require_POST
@access.client_required
def submit(request: HttpRequest) -> HttpResponse:
    intake = intake_get_or_start(client=request.user, request=request)
    if intake.is_editable and (under_age := _under_age_redirect(intake)):
        return under_age
    try:
        intake_submit(intake=intake, actor=request.user, request=request)
    except IntakeLockedError:
        # Sent already: a second click, another tab, or a retry after the first answer was
        # lost on its way back. Say what happened, which is that it was sent.
        pass
    except IntakeSubmitError as exc:
        return render(
            request,
            "intake/review.html",
            _context(request, intake, None, problems=exc.problems, **_answers_context(intake)),
        )
    messages.success(request, MSG_SENT)
    return redirect("intake:summary")


@require_safe
@access.client_required
def summary(request: HttpRequest) -> HttpResponse:
    """Everything the client has told us, to read (and, while a draft, to edit from)."""
    return _summary_page(request, intake_own(user=request.user))


def _summary_page(
    request: HttpRequest, intake: Intake, form: AgreementsSignForm | None = None
) -> HttpResponse:
    # A sent intake is read-only, except for signing the complete version of an agreement
    # she signed while it was incomplete.
    signing = None
    if not intake.is_editable and consent_documents_to_sign_again(intake=intake):
        signing = _agreements_signing(intake, form)
    return render(
        request,
        "intake/summary.html",
        _context(request, intake, None, signing=signing, **_answers_context(intake)),
    )


# --- Autosave (JavaScript on)


def _json_error(message, status: int = 400, **extra) -> JsonResponse:
    return JsonResponse({"saved": False, "error": str(message), **extra}, status=status)


def _json_conflict(name: str, current_display: str, current_posted: list[str]) -> JsonResponse:
    """Another tab saved something else for this answer: say so beside it, with what is
    saved there (and that value as the page would post it, for the page's next save)."""
    return _json_error(
        ERROR_CHANGED_ELSEWHERE % {"current": current_display},
        status=412,
        field=name,
        conflict=True,
        current=current_posted,
    )


def _autosave_was(form_field: forms.Field, payload: dict) -> dict:
    """{"was": value} for intake_autosave_field when the page said what it last knew of the
    answer (a list of strings, as posted), else {} (an older page: no conflict check)."""
    raw = payload.get("was")
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        return {}
    try:
        if isinstance(form_field, forms.MultipleChoiceField):
            return {"was": form_field.clean(raw)}
        return {"was": form_field.clean(raw[0] if raw else "")}
    except ValidationError:
        return {}


def _autosave_questionnaire(request: HttpRequest, name: str, value) -> JsonResponse:
    parsed = question_parse(name)
    if parsed is None or not isinstance(value, str):
        return _json_error(ERROR_UNKNOWN_FIELD)
    instrument, item = parsed
    ok, answer = answer_from_value(item, value)
    if not ok:
        return _json_error(ERROR_UNKNOWN_FIELD)
    loaded = None
    was = json.loads(request.body or b"{}").get("was")
    if isinstance(was, list) and all(isinstance(v, str) for v in was):
        ok, before = answer_from_value(item, was[0]) if was else (True, UNANSWERED)
        loaded = {item.key: before} if ok else None
    # Follow-up questions are already in the page and shown by the script, so an answer
    # never needs the page to reload (which could lose an answer given meanwhile).
    saved = questionnaire_answers_autosave(
        client=request.user,
        code=instrument.code,
        answers={item.key: answer},
        loaded=loaded,
        actor=request.user,
        request=request,
    )
    if item.key in saved.conflicts:
        current = saved.conflicts[item.key]
        posted = [] if current == UNANSWERED else [answer_to_value(current)]
        return _json_conflict(name, answer_label(item, current), posted)
    return _saved_response(request, saved_at=saved.saved_at, risk_level=saved.risk_level)


@hold_when_signed_out
@require_POST
@access.client_required
def autosave(request: HttpRequest) -> JsonResponse:
    """Save one answer sent as JSON {"field": name, "value": value}; never a 500."""
    try:
        payload = json.loads(request.body or b"{}")
        name, value = payload["field"], payload.get("value")
    except (ValueError, KeyError, TypeError):
        return _json_error(ERROR_UNKNOWN_FIELD)
    if not isinstance(name, str) or isinstance(value, dict):
        return _json_error(ERROR_UNKNOWN_FIELD)
    # Read before the save: a new same-day answer shows its crisis panel again (_saved_response).
    # Only once a panel has been seen: until then a rise in level shows it, with no query here.
    if request.session.get(SAFETY_SEEN_KEY):
        request.same_day_evidence_before = same_day_evidence(client=request.user)
    try:
        if name.startswith(QUESTIONNAIRE_PREFIX):
            return _autosave_questionnaire(request, name, value)
        try:
            form_field = field_for(name)
        except KeyError:
            return _json_error(ERROR_UNKNOWN_FIELD)
        if isinstance(value, list) != isinstance(form_field, forms.MultipleChoiceField):
            return _json_error(ERROR_UNKNOWN_FIELD, field=name)
        try:
            cleaned = form_field.clean("" if value is None else value)
        except ValidationError as exc:
            return _json_error(exc.messages[0], field=name)
        was = _autosave_was(form_field, payload)
        saved = intake_autosave_field(
            client=request.user, field_name=name, value=cleaned, actor=request.user, request=request, **was
        )
    except IntakeConflictError as exc:
        return _json_conflict(
            name, field_value_display(name, exc.current), form_snapshot_value(name, exc.current)
        )
    except IntakeLockedError as exc:
        # The page reloads on this: the page it lands on says why her answer was not taken.
        messages.info(request, exc.message)
        return _json_error(exc.message, status=409)
    except IntakeUnderAgeError as exc:
        return _json_error(exc.message, status=409, reload=True)
    except (IntakeFieldError, IntakeValidationError) as exc:
        return _json_error(exc.message, field=name)
    except IntakeError as exc:  # pragma: no cover - every subclass is handled above
        return _json_error(exc.message)
    return _saved_response(request, saved_at=saved.saved_at, risk_level=saved.risk_level, reload=saved.reload)


def _saved_response(
    request: HttpRequest, *, saved_at: dt.datetime | None, risk_level: str, reload: bool = False
) -> JsonResponse:
    level = _safety_panel(request, risk_level)
    # The page shows the full panel itself when the level rises: later pages need only the strip.
    _safety_panel_full(request, level)
    before = getattr(request, "same_day_evidence_before", 0)
    again = bool(level) and bool(before) and same_day_evidence(client=request.user) > before
    return JsonResponse(
        {
            "saved": True,
            "saved_at": _saved_at(saved_at),
            "reload": reload,
            "safety": level,
            "safety_again": again,
        }
    )
