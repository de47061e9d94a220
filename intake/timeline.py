"""The history at a glance, drawn on the server: a timeline of every pregnancy and a band
scale for each questionnaire, as SVG with a text alternative.

Pure: no database, no request. The staff detail page and page 1 of the PDF (intake.facts)
show the same drawings. Readable without colour: outcomes differ by shape (a filled diamond
for a loss, an open diamond for a pregnancy ended for other reasons, a filled circle for a
baby who died at or after birth, an open circle for a living baby, an open square for a
pregnancy now), bands by shades of grey with their bounds
written under them. The text alternative says everything the picture shows, and the pages
print it beside the picture (so the PDF's text layer holds it too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Protocol

from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import pregnancy_history as history
from .instruments import Instrument

# Short words for a mark on the line, and the words of the text alternative.
OUTCOME_WORDS = {
    "miscarriage": gettext_lazy("miscarriage"),
    "chemical": gettext_lazy("very early loss"),
    "ectopic": gettext_lazy("ectopic pregnancy"),
    "molar": gettext_lazy("molar pregnancy"),
    "stillbirth": gettext_lazy("stillbirth"),
    "neonatal_death": gettext_lazy("baby died after birth"),
    "multiples_loss": gettext_lazy("twins or more"),
    "tfmr": gettext_lazy("ended for medical reasons"),
    "ended_other": gettext_lazy("ended for other reasons"),
    "live_birth": gettext_lazy("live birth"),
    "current": gettext_lazy("pregnant now"),
    "prefer_not_to_say": gettext_lazy("not said"),
}
BABY_WORDS = {
    "live_birth": gettext_lazy("born alive"),
    "miscarriage": gettext_lazy("died early in the pregnancy"),
    "stillbirth": gettext_lazy("stillborn"),
    "neonatal_death": gettext_lazy("died after birth"),
    "tfmr": gettext_lazy("ended for medical reasons"),
    "prefer_not_to_say": gettext_lazy("not said"),
}

WIDTH, HEIGHT = 640, 170
LEFT, RIGHT = 36, 36
AXIS_Y = 88
LABEL_ROWS = (22, 38, 54)  # staggered, so marks close together keep their labels apart
MARK = 6
# About how wide one character of a 10-unit label is (DejaVu Sans), to keep labels inside.
CHAR_WIDTH = 6.2
# Light to dark: each band a shade a greyscale print keeps apart.
GREYS = ("#f4f4f4", "#d6d6d6", "#b4b4b4", "#8f8f8f", "#6b6b6b", "#4a4a4a")
SVG_OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
    'role="img" aria-labelledby="{id}-title {id}-desc" font-family="DejaVu Sans, Arial, sans-serif" '
    'class="{cls}">'
)


class TimelineEntry(Protocol):
    outcome: str
    month: int | None
    year: int | None
    when_declined: bool
    weeks: int | None
    weeks_declined: bool
    due_date: dt.date | None
    baby_outcomes: Sequence[str]
    nicu_days: int | None


class HardDateFacts(Protocol):
    date: dt.date
    what: str


@dataclass(frozen=True)
class Drawing:
    """An SVG (markup, every text in it escaped) and what it shows, in words."""

    svg: str
    text: str


def _text(x: float, y: float, words: str, size: int = 10, anchor: str = "start") -> str:
    """A text element; its words escaped."""
    return f'<text x="{x:.1f}" y="{y}" font-size="{size}" text-anchor="{anchor}">{escape(str(words))}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, extra: str = 'stroke="#000"') -> str:
    return f'<line x1="{x1:.1f}" y1="{y1}" x2="{x2:.1f}" y2="{y2}" {extra}/>'


def _cross(x: float, y: float) -> str:
    """The mark of a hard date: a small x."""
    d = f"M{x - 4:.1f} {y - 4} L{x + 4:.1f} {y + 4} M{x + 4:.1f} {y - 4} L{x - 4:.1f} {y + 4}"
    return f'<path d="{d}" stroke="#000" stroke-width="1.5"/>'


def _shape(outcome_entry: TimelineEntry) -> str:
    if outcome_entry.outcome == history.CURRENT:
        return "current"
    if outcome_entry.outcome == history.UNKNOWN:
        return "unknown"
    if history.is_birth(outcome_entry):
        return "born_lost" if history.is_loss(outcome_entry) else "born"
    return "loss" if history.is_loss(outcome_entry) else "ended"


def _mark(shape: str, x: float, y: float) -> str:
    m = MARK
    if shape == "loss":
        return f'<path d="M{x:.1f} {y - m} L{x + m} {y} L{x:.1f} {y + m} L{x - m} {y} Z" fill="#000"/>'
    if shape == "ended":
        return (
            f'<path d="M{x:.1f} {y - m} L{x + m} {y} L{x:.1f} {y + m} L{x - m} {y} Z" fill="#fff" '
            'stroke="#000" stroke-width="2"/>'
        )
    if shape == "born_lost":
        return f'<circle cx="{x:.1f}" cy="{y}" r="{m}" fill="#000"/>'
    if shape == "born":
        return f'<circle cx="{x:.1f}" cy="{y}" r="{m}" fill="#fff" stroke="#000" stroke-width="2"/>'
    if shape == "current":
        return (
            f'<rect x="{x - m:.1f}" y="{y - m}" width="{2 * m}" height="{2 * m}" fill="#fff" '
            'stroke="#000" stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y}" r="{m - 2}" fill="#fff" stroke="#000" stroke-dasharray="2 2"/>'


def _dated(entry: TimelineEntry) -> bool:
    return entry.year is not None and not entry.when_declined


def _weeks_words(entry: TimelineEntry) -> str:
    if entry.weeks is None or entry.weeks_declined:
        return ""
    return ngettext("%(n)s week", "%(n)s weeks", entry.weeks) % {"n": entry.weeks}


def _entry_words(entry: TimelineEntry, today: dt.date) -> str:
    """One pregnancy in words: when, what, how far along, the babies, how long ago."""
    words = [str(OUTCOME_WORDS.get(entry.outcome, entry.outcome))]
    if entry.outcome == history.MULTIPLES and entry.baby_outcomes:
        words[0] += " (" + "; ".join(str(BABY_WORDS.get(b, b)) for b in entry.baby_outcomes) + ")"
    weeks = _weeks_words(entry)
    if weeks and entry.outcome != history.CURRENT:
        words.append(_("at %(weeks)s") % {"weeks": weeks})
    if entry.outcome == history.CURRENT:
        weeks_now = history.weeks_pregnant(entry, today)
        if weeks_now is not None:
            words.append(ngettext("about %(n)s week", "about %(n)s weeks", weeks_now) % {"n": weeks_now})
    elif since := history.since_text(entry, today):
        words.append(since)
    if entry.outcome == history.CURRENT and entry.due_date is not None:
        words.append(_("due %(when)s") % {"when": f"{MONTHS[entry.due_date.month]} {entry.due_date.year}"})
    if entry.nicu_days is not None:
        words.append(
            ngettext("%(n)s day in the NICU", "%(n)s days in the NICU", entry.nicu_days)
            % {"n": entry.nicu_days}
        )
    said = ", ".join(words)
    if entry.outcome == history.CURRENT:
        return said
    if _dated(entry):
        when = f"{MONTHS[entry.month]} {entry.year}" if entry.month else str(entry.year)
        return f"{when}: {said}"
    return _("date not given: %(what)s") % {"what": said}


def _position(entry: TimelineEntry, today: dt.date) -> tuple[int, float] | None:
    """(year, fraction of the year) where a pregnancy sits on the line, or None if undated."""
    if entry.outcome == history.CURRENT:
        return today.year, (today.timetuple().tm_yday - 0.5) / 366
    if not _dated(entry):
        return None
    return entry.year, ((entry.month - 0.5) / 12) if entry.month else 0.5


def timeline_drawing(
    entries: Sequence[TimelineEntry], hard_dates: Sequence[HardDateFacts], today: dt.date
) -> Drawing | None:
    """The pregnancy history on a line of years, or None when nothing was added."""
    if not entries and not hard_dates:
        return None
    placed = [(e, p) for e in entries if (p := _position(e, today)) is not None]
    current = next((e for e in entries if e.outcome == history.CURRENT), None)
    years = [p[0] for _e, p in placed] + [d.date.year for d in hard_dates]
    if current is not None and current.due_date is not None:
        years.append(current.due_date.year)
    first = min(years, default=today.year)
    last = max([*years, today.year])
    span = last + 1 - first
    scale = (WIDTH - LEFT - RIGHT) / span

    def x_at(year: int, fraction: float) -> float:
        return LEFT + (year - first + fraction) * scale

    parts = [_line(LEFT, AXIS_Y, WIDTH - RIGHT, AXIS_Y, 'stroke="#000" stroke-width="1.5"')]
    step = 1 if span <= 12 else (2 if span <= 24 else 5)
    for year in range(first, last + 2):
        x = x_at(year, 0)
        parts.append(_line(x, AXIS_Y - 4, x, AXIS_Y + 4))
        if (year - first) % step == 0 and year <= last:
            parts.append(_text(x_at(year, 0.5), AXIS_Y + 18, str(year), 11, "middle"))
    today_x = x_at(today.year, (today.timetuple().tm_yday - 0.5) / 366)
    parts.append(_line(today_x, AXIS_Y - 26, today_x, AXIS_Y + 6, 'stroke="#000" stroke-dasharray="3 2"'))
    parts.append(_text(today_x, AXIS_Y + 32, _("today"), 10, "middle"))
    if current is not None and current.due_date is not None:
        due_x = x_at(current.due_date.year, (current.due_date.timetuple().tm_yday - 0.5) / 366)
        parts.append(
            _line(today_x, AXIS_Y, due_x, AXIS_Y, 'stroke="#000" stroke-width="4" stroke-dasharray="6 3"')
        )
        parts.append(_line(due_x, AXIS_Y - 8, due_x, AXIS_Y + 8, 'stroke="#000" stroke-width="2"'))
        parts.append(_text(due_x, AXIS_Y - 12, _("due"), 9, "middle"))
    for d in hard_dates:
        x = x_at(d.date.year, (d.date.timetuple().tm_yday - 0.5) / 366)
        parts.append(_cross(x, AXIS_Y + 42))
    for index, (entry, (year, fraction)) in enumerate(sorted(placed, key=lambda ep: ep[1])):
        x = x_at(year, fraction)
        label_y = LABEL_ROWS[index % len(LABEL_ROWS)]
        label = str(OUTCOME_WORDS.get(entry.outcome, entry.outcome))
        weeks = _weeks_words(entry)
        if entry.outcome == history.CURRENT:
            weeks_now = history.weeks_pregnant(entry, today)
            weeks = (
                ngettext("%(n)s week", "%(n)s weeks", weeks_now) % {"n": weeks_now}
                if weeks_now is not None
                else ""
            )
        if weeks:
            label = f"{label}, {weeks}"
        parts.append(_line(x, label_y + 3, x, AXIS_Y - MARK, 'stroke="#777" stroke-width="0.75"'))
        # Kept inside the picture: a label near either end is moved in, its line still points.
        half = len(label) * CHAR_WIDTH / 2
        parts.append(_text(min(max(x, half + 2), WIDTH - half - 2), label_y, label, 10, "middle"))
        parts.append(_mark(_shape(entry), x, AXIS_Y))
    legend = [
        ("loss", _("loss")),
        ("born_lost", _("baby died at or after birth")),
        ("born", _("living baby")),
        ("current", _("pregnant now")),
    ]
    if any(_shape(e) == "ended" for e in entries):
        legend.append(("ended", _("other ending")))
    legend_x = LEFT
    for shape, words in legend:
        parts.append(_mark(shape, legend_x, HEIGHT - 10))
        parts.append(_text(legend_x + 10, HEIGHT - 6, words))
        legend_x += 22 + 6 * len(words)
    if hard_dates:
        parts.append(_cross(legend_x, HEIGHT - 10))
        parts.append(_text(legend_x + 10, HEIGHT - 6, _("hard date")))
    text = timeline_text(entries, hard_dates, today, first, last)
    title = _("Pregnancy timeline")
    svg = (
        SVG_OPEN.format(w=WIDTH, h=HEIGHT, id="timeline", cls="timeline-svg")
        + f'<title id="timeline-title">{escape(title)}</title><desc id="timeline-desc">{escape(text)}</desc>'
        + "".join(parts)
        + "</svg>"
    )
    return Drawing(svg=svg, text=text)


def timeline_text(
    entries: Sequence[TimelineEntry],
    hard_dates: Sequence[HardDateFacts],
    today: dt.date,
    first: int,
    last: int,
) -> str:
    """The timeline in words, newest first (as the synopsis): every pregnancy (undated ones
    last) and every hard date."""
    years = str(first) if first == last else _("%(first)s to %(last)s") % {"first": first, "last": last}
    sentences = [
        ngettext(
            "Timeline of %(n)s pregnancy, %(years)s", "Timeline of %(n)s pregnancies, %(years)s", len(entries)
        )
        % {"n": len(entries), "years": years}
    ]
    said = [_entry_words(e, today) for e in history.newest_first(entries)]
    if said:
        sentences[0] += _(", newest first")
    if said:
        sentences[0] += ": " + "; ".join(said)
    if hard_dates:
        dates = [
            f"{date_format(d.date, 'DATE_FORMAT')}" + (f" ({d.what})" if d.what else "")
            for d in sorted(hard_dates, key=lambda d: d.date, reverse=True)
        ]
        sentences.append(_("Hard dates: %(dates)s") % {"dates": "; ".join(dates)})
    return ". ".join(sentences) + "."


# --- A questionnaire's score on its bands


def _segments(instrument: Instrument, cutoff: int | None) -> list[tuple[str, int, int]]:
    """(label, low, high) for each stretch of the scale: the instrument's banded ranges, or
    below / at the positive cut-off in force; [] when the instrument has no scale."""
    if instrument.max_total is None:
        return []
    ranged = [b for b in instrument.bands if b.minimum is not None and b.maximum is not None]
    if ranged:
        return [(b.label, b.minimum, b.maximum) for b in ranged]
    if cutoff is not None and 0 < cutoff <= instrument.max_total:
        return [(_("Negative"), 0, cutoff - 1), (_("Positive"), cutoff, instrument.max_total)]
    return []


SCALE_W, SCALE_H = 260, 44
SCALE_L, SCALE_R, BAR_Y, BAR_H = 8, 8, 14, 12


def band_scale(
    instrument: Instrument, total: int | None, cutoff: int | None, band_label: str
) -> Drawing | None:
    """A small bar of the instrument's bands with her total marked, or None when the
    instrument has no banded scale (the ASQ) or there is no total to mark."""
    segments = _segments(instrument, cutoff)
    if not segments or total is None:
        return None
    low, high = segments[0][1], segments[-1][2]
    unit = (SCALE_W - SCALE_L - SCALE_R) / (high - low + 1)
    parts = []
    for index, (_label, start, end) in enumerate(segments):
        grey = GREYS[min(index * (len(GREYS) - 1) // max(len(segments) - 1, 1), len(GREYS) - 1)]
        x = SCALE_L + (start - low) * unit
        parts.append(
            f'<rect x="{x:.1f}" y="{BAR_Y}" width="{(end - start + 1) * unit:.1f}" height="{BAR_H}" '
            f'fill="{grey}" stroke="#000" stroke-width="0.75"/>'
        )
        parts.append(_text(x, BAR_Y + BAR_H + 11, str(start), 9))
    parts.append(_text(SCALE_W - SCALE_R, BAR_Y + BAR_H + 11, str(high), 9, "end"))
    x = SCALE_L + (min(max(total, low), high) - low + 0.5) * unit
    parts.append(
        f'<path d="M{x - 5:.1f} 2 L{x + 5:.1f} 2 L{x:.1f} {BAR_Y - 1} Z" fill="#000"/>'
        f'<line x1="{x:.1f}" y1="{BAR_Y}" x2="{x:.1f}" y2="{BAR_Y + BAR_H}" stroke="#000" stroke-width="3"/>'
    )
    # Her total beside the marker, on the side with room.
    right_side = x < SCALE_W / 2
    parts.append(
        f'<text x="{x + 8 if right_side else x - 8:.1f}" y="11" font-size="11" font-weight="bold" '
        f'text-anchor="{"start" if right_side else "end"}">{total}</text>'
    )
    bands = ", ".join(f"{label} {start}-{end}" for label, start, end in segments)
    text = _("%(name)s: %(total)s of %(max)s, %(band)s (bands: %(bands)s)") % {
        "name": instrument.short_name,
        "total": total,
        "max": high,
        "band": band_label,
        "bands": bands,
    }
    ident = f"scale-{escape(instrument.code)}"
    svg = (
        SVG_OPEN.format(w=SCALE_W, h=SCALE_H, id=ident, cls="band-scale")
        + f'<title id="{ident}-title">{escape(instrument.short_name)}</title>'
        + f'<desc id="{ident}-desc">{escape(text)}</desc>'
        + "".join(parts)
        + "</svg>"
    )
    return Drawing(svg=svg, text=text)
