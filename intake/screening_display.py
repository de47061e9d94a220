"""The screening questionnaires as people read them: one presenter for the therapist's detail
page and both copies of the PDF summary.

Which questionnaires the client was offered and what became of each (scored, incomplete,
declined, never opened, or not screened after "no" to the trauma question), with the one set
of flag labels; the client's own answers without any of that; and each risk flag's evidence,
once per questionnaire, against the answers as they stand now. The scoring and triage are
intake.instruments and intake.risk_rules; this module only words them. Rows and evidence are
plain values (strings, numbers, tuples), so the PDF context can carry them as they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.selectors import practice_get

from .catalogue import SYMPTOM_LABELS
from .display import NOT_ANSWERED, format_datetime, practice_zone
from .instruments import (
    FLAG_ACUITY_UNANSWERED,
    FLAG_ACUTE,
    FLAG_ALCOHOL_IN_PREGNANCY,
    FLAG_EPDS_ANXIETY,
    FLAG_HARM_URGE,
    FLAG_PSYCHOSIS_SIGN,
    FLAG_SAFETY_ITEM_DECLINED,
    FLAG_SELF_HARM,
    FLAG_SELF_HARM_ITEM_DECLINED,
    INSTRUMENT_ORDER,
    PREFER_NOT_TO_ANSWER,
    AnswerStatus,
    FlagSource,
    Instrument,
    Result,
    ScoringRule,
    get_instrument,
    instruments_for_step,
    score,
)
from .models import Intake, RiskFlag
from .risk_rules import CHECKLIST, ReasonRule, queue_position
from .selectors import intake_risk_flags, intake_scores

# What each flag means, in the staff's words (detail page and practice copy alike).
FLAG_LABELS = {
    FLAG_SELF_HARM: gettext_lazy("Self-harm signal"),
    FLAG_ACUTE: gettext_lazy("Acute positive: imminent risk"),
    FLAG_ACUITY_UNANSWERED: gettext_lazy("'Right now' question not answered"),
    FLAG_SELF_HARM_ITEM_DECLINED: gettext_lazy("Self-harm item declined"),
    FLAG_EPDS_ANXIETY: gettext_lazy("EPDS-3A anxiety"),
    FLAG_HARM_URGE: gettext_lazy("Urge or plan to act on thoughts of harm to the baby"),
    FLAG_PSYCHOSIS_SIGN: gettext_lazy("Warning sign of postpartum psychosis"),
    FLAG_SAFETY_ITEM_DECLINED: gettext_lazy("Safety question declined"),
    FLAG_ALCOHOL_IN_PREGNANCY: gettext_lazy("Drinking while pregnant"),
}

# A questionnaire's status when it has no total to show.
DECLINED = gettext_lazy("Declined")
# PC-PTSD-5 after "no" to the trauma question: the five questions were never asked.
NOT_SCREENED = gettext_lazy("Trauma question: no; not screened")
INCOMPLETE_SUM = gettext_lazy("Incomplete: %(answered)s of %(expected)s answered, at least %(low)s")
INCOMPLETE = gettext_lazy("Incomplete: %(answered)s of %(expected)s answered")
# A screen with a cut-off whose answers so far already reach it: positive whatever the rest say.
ALREADY_POSITIVE = gettext_lazy("Positive already (%(incomplete)s)")
# A refusal still decides the ASQ (CLINICAL.md), so the reading is said beside the refusal.
DECLINED_READ_AS = gettext_lazy("Declined; read as: %(band)s")


class ScreenerState(StrEnum):
    """What became of one questionnaire."""

    SCORED = "scored"  # a total and band (or a decided ASQ screen)
    INCOMPLETE = "incomplete"
    DECLINED = "declined"  # every question shown answered "prefer not to answer"
    NOT_ANSWERED = "not_answered"  # never opened
    NOT_SCREENED = "not_screened"  # PC-PTSD-5 after "no" to the trauma question


@dataclass(frozen=True, slots=True)
class ItemView:
    """One question shown to the client, with her answer as she gave it."""

    key: str
    number: str  # "" for an unnumbered question (the trauma question, the difficulty item)
    text: str
    preamble: str
    examples: tuple[str, ...]
    status: str  # an AnswerStatus
    declined: bool
    answer: str  # the option's label, "Prefer not to answer", or "Not answered"
    score: str  # "" when unscored, declined or missing
    reverse: bool
    flagged: bool  # the answer raised a flag


@dataclass(frozen=True, slots=True)
class ScreenerRow:
    """One questionnaire offered to the client, as a row of the results table and a list of
    its questions."""

    code: str
    name: str
    short_name: str
    client_title: str
    stem: str
    state: str  # a ScreenerState
    opened: bool  # the client answered (or declined) at least one question
    status: str  # the band, or what became of it in words
    band: str  # the band's slug when there is one to show, else ""
    total: int | None
    max_total: int | None
    score: str  # "12 / 27" when complete, else ""
    cutoff: str
    flags: tuple[str, ...]
    subscales: tuple[str, ...]
    items: tuple[ItemView, ...]
    # A positive screen, or an incomplete one whose answers already reach the cut-off.
    positive: bool = False


def flag_label(flag: str) -> str:
    """The staff's label for a flag slug."""
    label = FLAG_LABELS.get(flag)
    return str(label) if label is not None else flag.replace("_", " ").capitalize()


def answer_text(label: str | None) -> str:
    """An answer as staff read it in a summary line: a refusal is "Declined"."""
    if label is None:
        return str(NOT_ANSWERED)
    return str(DECLINED) if label == PREFER_NOT_TO_ANSWER else label


def _state(instrument: Instrument, result: Result) -> ScreenerState:
    shown = result.item_answers
    if all(a.status is AnswerStatus.MISSING for a in shown):
        return ScreenerState.NOT_ANSWERED
    scored = [a for a in shown if a.scored]
    # With no scored question shown (PC-PTSD-5 after the trauma question), the questions
    # that were shown decide: a declined trauma question is a refusal, not "0 of 5".
    considered = scored or shown
    if all(a.status is AnswerStatus.DECLINED for a in considered):
        return ScreenerState.DECLINED
    if result.expected == 0 and any(i.scored for i in instrument.items):
        return ScreenerState.NOT_SCREENED
    return ScreenerState.SCORED if result.complete else ScreenerState.INCOMPLETE


def _status(instrument: Instrument, result: Result, state: ScreenerState) -> str:
    if state is ScreenerState.NOT_ANSWERED:
        return str(NOT_ANSWERED)
    if state is ScreenerState.NOT_SCREENED:
        return str(NOT_SCREENED)
    if state is ScreenerState.DECLINED:
        if instrument.scoring is ScoringRule.ANY_YES_WITH_ACUITY and result.complete:
            return DECLINED_READ_AS % {"band": result.band_label}
        return str(DECLINED)
    if state is ScreenerState.INCOMPLETE:
        counts = {"answered": result.answered, "expected": result.expected, "low": result.lower_bound}
        text = (INCOMPLETE if result.lower_bound is None else INCOMPLETE_SUM) % counts
        return ALREADY_POSITIVE % {"incomplete": text} if _already_positive(result) else text
    return result.band_label


def _already_positive(result: Result) -> bool:
    """An incomplete sum already at its positivity cut-off (any yes to HARK, say)."""
    return (
        result.cutoff is not None
        and result.lower_bound is not None
        and not result.complete
        and result.lower_bound >= result.cutoff
    )


def _cutoff(instrument: Instrument, result: Result) -> str:
    if instrument.scoring is ScoringRule.ANY_YES_WITH_ACUITY:
        return _("Any yes or refusal")
    if instrument.scoring is ScoringRule.WARNING_SIGNS:
        return _("Any urge to act or warning sign")
    if instrument.cutoff is not None:
        return _("Positive at %(n)s or more") % {"n": result.cutoff}
    if result.elevated_at is not None:
        return _("%(n)s or more") % {"n": result.elevated_at}
    return ""


def _flag_line(instrument: Instrument, source: FlagSource) -> str:
    label = flag_label(source.flag)
    if source.item_key and not source.item_key.isdigit():
        # A named question (the perinatal safety questions): the flag's label says which.
        if source.answer_label is None:
            return label
        return _("%(flag)s (%(answer)s)") % {"flag": label, "answer": answer_text(source.answer_label)}
    if source.item_key:
        if source.answer_label is None:
            return _("%(flag)s: item %(item)s") % {"flag": label, "item": source.item_key}
        return _("%(flag)s: item %(item)s (%(answer)s)") % {
            "flag": label,
            "item": source.item_key,
            "answer": answer_text(source.answer_label),
        }
    if source.subscale:
        subscale = next(s for s in instrument.subscales if s.key == source.subscale)
        return _("%(flag)s: %(score)s, at or above %(at)s") % {
            "flag": label,
            "score": source.score,
            "at": subscale.flag_at,
        }
    return label


def _subscale_lines(instrument: Instrument, result: Result) -> tuple[str, ...]:
    lines = []
    scores = {a.key: a.score for a in result.item_answers}
    for subscale in instrument.subscales:
        # The most the subscale can score, from the items' own options.
        most = sum(max(o.score or 0 for o in instrument.item(key).options) for key in subscale.item_keys)
        value = result.subscales.get(subscale.key)
        if value is None:
            low = sum(scores.get(key) or 0 for key in subscale.item_keys)
            lines.append(
                _("%(label)s: incomplete, at least %(low)s of %(most)s")
                % {"label": subscale.label, "low": low, "most": most}
            )
        else:
            lines.append(
                _("%(label)s: %(value)s / %(most)s") % {"label": subscale.label, "value": value, "most": most}
            )
    return tuple(lines)


def _items(result: Result) -> tuple[ItemView, ...]:
    instrument = result.instrument
    flagged = {source.item_key for source in result.flag_sources if source.item_key}
    views = []
    for answer in result.item_answers:
        item = instrument.item(answer.key)
        missing = answer.status is AnswerStatus.MISSING
        label = str(NOT_ANSWERED) if missing else answer.answer_label or ""
        views.append(
            ItemView(
                key=answer.key,
                number=answer.key if answer.key.isdigit() else "",
                text=answer.text,
                preamble=item.preamble,
                examples=item.examples,
                status=answer.status.value,
                declined=answer.status is AnswerStatus.DECLINED,
                answer=label,
                score="" if answer.score is None else str(answer.score),
                reverse=answer.reverse,
                flagged=answer.key in flagged,
            )
        )
    return tuple(views)


def screener_row(result: Result) -> ScreenerRow:
    """One questionnaire's row, from its scored result (an empty one if never opened)."""
    instrument = result.instrument
    state = _state(instrument, result)
    scored = state in (ScreenerState.SCORED, ScreenerState.INCOMPLETE)
    has_total = state is ScreenerState.SCORED and result.total is not None
    return ScreenerRow(
        code=instrument.code,
        name=instrument.name,
        short_name=instrument.short_name,
        client_title=instrument.client_title,
        # The recall stem leads into the scored questions: none shown (PC-PTSD-5 before or
        # after "no" to the trauma question), no stem.
        stem=instrument.stem if any(a.scored for a in result.item_answers) else "",
        state=state.value,
        opened=state is not ScreenerState.NOT_ANSWERED,
        status=_status(instrument, result, state),
        band=result.band if scored or state is ScreenerState.DECLINED else "",
        total=result.total if has_total else None,
        max_total=instrument.max_total,
        score=(
            (f"{result.total} / {instrument.max_total}" if instrument.max_total else str(result.total))
            if has_total
            else ""
        ),
        cutoff=_cutoff(instrument, result),
        flags=tuple(_flag_line(instrument, source) for source in result.flag_sources),
        subscales=_subscale_lines(instrument, result) if scored else (),
        items=_items(result),
        positive=result.band == "positive" or _already_positive(result),
    )


def screener_rows(
    *, results: Mapping[str, Result], offered: Sequence[Instrument], pcptsd5_cutoff: int | None = None
) -> list[ScreenerRow]:
    """One row per questionnaire offered, and per questionnaire answered though no longer
    offered (the EPDS turned off later), in the order the intake asks them."""
    offered_codes = {instrument.code for instrument in offered}
    rows = []
    for instrument in INSTRUMENT_ORDER:
        result = results.get(instrument.code)
        if result is None:
            if instrument.code not in offered_codes:
                continue
            result = score(instrument.code, {}, pcptsd5_cutoff=pcptsd5_cutoff)
        row = screener_row(result)
        if instrument.code in offered_codes or row.opened:
            rows.append(row)
    return rows


def intake_screener_rows(*, intake: Intake, results: Mapping[str, Result] | None = None) -> list[ScreenerRow]:
    """The intake's questionnaires as the practice offers them now (see screener_rows).

    Pass `results` (intake_scores) when the caller already has them, to read them once.
    """
    practice = practice_get()
    if results is None:
        results = intake_scores(intake=intake)
    return screener_rows(
        results=results,
        offered=instruments_for_step(practice.epds_enabled),
        pcptsd5_cutoff=practice.pcptsd5_cutoff,
    )


# --- The client's own copy: her answers only


# Under her answers in her own copy of the summary.
CLIENT_ANSWERS_NOTE = gettext_lazy(
    "Here are your answers, just as you gave them. Your therapist will go through them with "
    "you when you meet, at your own pace, and you are welcome to ask about any of them."
)


@dataclass(frozen=True, slots=True)
class ClientQuestion:
    """One question as the client saw it, with her answer."""

    number: str
    text: str
    preamble: str
    examples: tuple[str, ...]
    answer: str  # the option she chose, "Prefer not to answer", or "Not answered"


@dataclass(frozen=True, slots=True)
class ClientQuestionnaire:
    """One questionnaire under the plain title she saw: her answers, and nothing scored."""

    title: str
    stem: str
    questions: tuple[ClientQuestion, ...]


def client_questionnaires(rows: Sequence[ScreenerRow]) -> list[ClientQuestionnaire]:
    """The questionnaires of `rows` as the client's own copy shows them: no names of
    instruments, scores, bands, cut-offs or flags, so her copy cannot carry any."""
    return [
        ClientQuestionnaire(
            title=row.client_title,
            stem=row.stem,
            questions=tuple(
                ClientQuestion(
                    number=item.number,
                    text=item.text,
                    preamble=item.preamble,
                    examples=item.examples,
                    answer=item.answer,
                )
                for item in row.items
            ),
        )
        for row in rows
    ]


# --- Safety flag evidence

CHECKLIST_TITLE = gettext_lazy("Symptom checklist")
TICKED = gettext_lazy("Ticked")
NOT_TICKED = gettext_lazy("Not ticked")
ITEM = gettext_lazy("Item %(item)s")
ACUITY_NOT_ANSWERED = gettext_lazy("%(instrument)s question %(item)s ('right now') was not answered")
# When this answer (at this flag's level) was given or last changed; "since changed to" is the
# answer now, if it has dropped below the level since.
LAST_CHANGED = gettext_lazy("answered %(when)s")
SINCE_CHANGED = gettext_lazy("since changed to: %(answer)s")


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    """One answer (or total) that raised a flag, as recorded, and what it is now."""

    item_key: str  # "" for a total
    label: str  # "Item 9", or "" where the words say it all
    item_text: str
    answer: str  # as recorded: a refusal reads "Declined"; "" for a statement
    statement: str  # the line in words when there is no answer to show (a total, 'right now' unanswered)
    changed_at: str  # when the record last changed, in the practice's zone
    changed_at_iso: str
    last_changed: str  # "answered <when>"
    now: str  # the client's answer now, when it differs from the recorded one, else ""
    since: str  # "since changed to: <now>", or ""


@dataclass(frozen=True, slots=True)
class EvidenceGroup:
    """A flag's evidence from one source (the symptom checklist, or one questionnaire)."""

    source: str
    title: str
    lines: tuple[EvidenceLine, ...]


@dataclass(frozen=True)
class FlagView:
    """A risk flag with its evidence, shown once per questionnaire."""

    flag: RiskFlag
    evidence: tuple[EvidenceGroup, ...]


def _moment(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def _latest_per_item(records: Sequence[dict]) -> list[tuple[dict, dt.datetime | None]]:
    """One record per (source, item): the latest. Flags written before risk_evaluate kept one
    record per answer may hold several lines for one item; a record without a time counts
    as newer than the one before it, since records were only ever appended."""
    kept: dict[tuple, tuple[dict, dt.datetime | None]] = {}
    for record in records:
        key = (record.get("source") or "", record.get("item_key") or "")
        when = _moment(record.get("at")) or _moment(record.get("added_at"))
        previous = kept.get(key)
        if previous is None or when is None or previous[1] is None or when >= previous[1]:
            kept[key] = (record, when)
    return list(kept.values())


def _current_answer(result: Result | None, item_key: str) -> str:
    """The client's answer to an item now ("Not answered" if it is no longer shown)."""
    if result is not None:
        for answer in result.item_answers:
            if answer.key == item_key and answer.status is not AnswerStatus.MISSING:
                return answer_text(answer.answer_label)
    return str(NOT_ANSWERED)


def _instrument(code: str) -> Instrument | None:
    try:
        return get_instrument(code)
    except ValueError:
        return None


def _evidence_line(
    record: dict, when: dt.datetime, results: Mapping[str, Result], symptoms: Collection[str]
) -> EvidenceLine:
    source = record.get("source") or ""
    item_key = record.get("item_key") or ""
    rule = record.get("rule")
    label = item_text = answer = statement = now = ""
    instrument = _instrument(source)
    if source == CHECKLIST:
        item_text = str(SYMPTOM_LABELS.get(item_key, item_key))
        answer = str(TICKED)
        now = "" if item_key in symptoms else str(NOT_TICKED)
    elif rule == ReasonRule.ACUITY_UNANSWERED and instrument is not None:
        statement = ACUITY_NOT_ANSWERED % {"instrument": instrument.short_name, "item": item_key}
        current = _current_answer(results.get(source), item_key)
        now = "" if current == str(NOT_ANSWERED) else current
    elif item_key:
        label = ITEM % {"item": item_key} if item_key.isdigit() else ""
        item_text = record.get("item_text") or ""
        if not item_text and instrument is not None and instrument.has_item(item_key):
            item_text = instrument.item(item_key).text
        answer = answer_text(record.get("answer"))
        if instrument is not None:
            current = _current_answer(results.get(source), item_key)
            now = "" if current == answer else current
    else:
        statement = record.get("why") or ""
    local = timezone.localtime(when, practice_zone())
    return EvidenceLine(
        item_key=item_key,
        label=label,
        item_text=item_text,
        answer=answer,
        statement=statement,
        changed_at=format_datetime(when),
        changed_at_iso=local.isoformat(),
        last_changed=LAST_CHANGED % {"when": format_datetime(when)},
        now=now,
        since=SINCE_CHANGED % {"answer": now} if now else "",
    )


def _source_position(source: str) -> int:
    """The checklist first (the intake asks it first), then the questionnaires in step
    order, then anything no longer known."""
    order = [CHECKLIST, *(instrument.code for instrument in INSTRUMENT_ORDER)]
    return order.index(source) if source in order else len(order)


def _item_position(source: str, item_key: str) -> int:
    instrument = _instrument(source)
    if instrument is None or not instrument.has_item(item_key):
        return len(instrument.items) if instrument else 0
    return instrument.item_keys.index(item_key)


def flag_evidence(
    *, flag: RiskFlag, results: Mapping[str, Result], symptoms: Collection[str]
) -> tuple[EvidenceGroup, ...]:
    """A flag's reasons, once per questionnaire: each answer as recorded, when it last
    changed (the flag's own time for records that kept none) and what it is now if that
    differs. `results` are the intake's current scores, `symptoms` its ticked checklist."""
    groups: dict[str, list[tuple[int, EvidenceLine]]] = {}
    for record, when in _latest_per_item(flag.reasons or []):
        source = record.get("source") or ""
        line = _evidence_line(record, when or flag.raised_at, results, symptoms)
        groups.setdefault(source, []).append((_item_position(source, line.item_key), line))
    evidence = []
    for source in sorted(groups, key=_source_position):
        instrument = _instrument(source)
        if source == CHECKLIST:
            title = str(CHECKLIST_TITLE)
        else:
            title = instrument.short_name if instrument else source
        lines = tuple(line for _position, line in sorted(groups[source], key=lambda pair: pair[0]))
        evidence.append(EvidenceGroup(source=source, title=title, lines=lines))
    return tuple(evidence)


def flag_views(
    *, flags: Iterable[RiskFlag], results: Mapping[str, Result], symptoms: Collection[str]
) -> list[FlagView]:
    """The flags with their evidence: still open first, then most severe (the one risk
    order, intake.risk_rules.queue_position), then the earliest raised."""
    ordered = sorted(
        flags, key=lambda f: (f.acknowledged_at is not None, queue_position(f.level), f.raised_at)
    )
    return [
        FlagView(flag=flag, evidence=flag_evidence(flag=flag, results=results, symptoms=symptoms))
        for flag in ordered
    ]


def intake_flag_views(*, intake: Intake, results: Mapping[str, Result] | None = None) -> list[FlagView]:
    """The intake's flags with their evidence (see flag_views), read against its answers now.

    Pass `results` (intake_scores) when the caller already has them, to read them once.
    """
    if results is None:
        results = intake_scores(intake=intake)
    return flag_views(flags=intake_risk_flags(intake=intake), results=results, symptoms=intake.symptoms or [])
