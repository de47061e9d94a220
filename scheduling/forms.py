"""Forms for scheduling pages. They validate and normalise only; the rules live in services."""

from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import User
from portal.text import TypedTextField

from . import slots
from .display import session_length_words
from .models import AppointmentRequest, Modality, SessionType, WeeklyAvailability

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
]
PART_CHOICES = [
    (slots.MORNING, _("Mornings (8 to 12)")),
    (slots.AFTERNOON, _("Afternoons (12 to 5)")),
    (slots.EVENING, _("Evenings (5 to 8)")),
]
# How many specific dates a client may offer.
DATE_FIELDS = ("date_1", "date_2", "date_3")
MAX_DAYS_AHEAD = 365

EARLIEST_IN_PAST = _("Please choose today or a later date.")
TOO_FAR_AHEAD = _("Please choose a date within the next year.")
DATE_IN_PAST = _("This date has already passed.")
TIME_DOES_NOT_EXIST = _("The clocks change at that time in Denver, so it does not exist that day.")
END_BEFORE_START = _("The end must be after the start.")
UNTIL_BEFORE_FROM = _("The last day must be on or after the first day.")


def _today() -> date:
    return timezone.localdate()


def denver_instant(day: date, wall: time) -> datetime | None:
    """The aware instant of a Denver wall-clock time, or None if the clocks skip it."""
    local = datetime.combine(day, wall, tzinfo=slots.PRACTICE_ZONE)
    round_trip = local.astimezone(UTC).astimezone(slots.PRACTICE_ZONE)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return slots.local_to_utc(day, wall)


DATE_OUT_OF_RANGE = _("Please enter a date between 2000 and 2100.")


class DateField(forms.DateField):
    """A date the calendar arithmetic can handle (year 9999 would overflow in UTC)."""

    def clean(self, value):
        value = super().clean(value)
        if value is not None and not date(2000, 1, 1) <= value <= date(2100, 12, 31):
            raise forms.ValidationError(DATE_OUT_OF_RANGE)
        return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class TimesThatSuitForm(forms.Form):
    """Weekdays and parts of the day, or specific dates, turned into AppointmentRequest.windows."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days that usually suit you"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parts = forms.MultipleChoiceField(
        label=_("Times of day that suit you"),
        choices=PART_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave these empty if any time works."),
    )
    date_1 = DateField(label=_("A specific date that suits you (optional)"), required=False, widget=DateInput)
    date_2 = DateField(label=_("Another date (optional)"), required=False, widget=DateInput)
    date_3 = DateField(label=_("Another date (optional)"), required=False, widget=DateInput)
    earliest_date = DateField(label=_("The earliest date you could come"), widget=DateInput)
    note = TypedTextField(
        label=_("Anything about timing we should know (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Our front desk reads this to find you a time, so please keep it to scheduling."),
    )

    def clean_earliest_date(self):
        value = self.cleaned_data["earliest_date"]
        if value < _today():
            raise forms.ValidationError(EARLIEST_IN_PAST)
        if value > _today() + timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(TOO_FAR_AHEAD)
        return value

    def _clean_date(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and value < _today():
            raise forms.ValidationError(DATE_IN_PAST)
        if value is not None and value > _today() + timedelta(days=MAX_DAYS_AHEAD):
            raise forms.ValidationError(TOO_FAR_AHEAD)
        return value

    def clean_date_1(self):
        return self._clean_date("date_1")

    def clean_date_2(self):
        return self._clean_date("date_2")

    def clean_date_3(self):
        return self._clean_date("date_3")

    def windows(self) -> list[dict]:
        """The windows in the stored shape (see scheduling.slots.windows_parse)."""
        data = self.cleaned_data
        weekdays, parts = sorted(set(data.get("weekdays") or [])), sorted(set(data.get("parts") or []))
        dates = sorted({data[name] for name in DATE_FIELDS if data.get(name)})
        windows = []
        if weekdays or (parts and not dates):
            windows.append({k: v for k, v in (("weekdays", weekdays), ("parts", parts)) if v})
        for day in dates:
            windows.append({"date": day.isoformat(), **({"parts": parts} if parts else {})})
        return windows

    @staticmethod
    def initial_from_windows(windows: list) -> dict:
        initial: dict = {}
        dates = []
        for window in windows or []:
            if not isinstance(window, dict):
                continue
            if "date" in window:
                dates.append(window["date"])
            else:
                initial["weekdays"] = window.get("weekdays", [])
            initial.setdefault("parts", window.get("parts", []))
        for name, value in zip(DATE_FIELDS, dates, strict=False):
            initial[name] = value
        return initial


class AppointmentRequestForm(TimesThatSuitForm):
    session_type = forms.ModelChoiceField(
        label=_("What kind of appointment"),
        queryset=SessionType.objects.filter(active=True),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    modality = forms.ChoiceField(
        label=_("How you would like to meet"),
        choices=[
            (AppointmentRequest.ModalityPreference.IN_PERSON, _("In person at the Denver office")),
            (AppointmentRequest.ModalityPreference.TELEHEALTH, _("By video")),
            (AppointmentRequest.ModalityPreference.EITHER, _("Either is fine")),
        ],
        widget=forms.RadioSelect,
    )
    preferred_therapist = forms.ModelChoiceField(
        label=_("Who you would like to see"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Anyone who is free"),
    )
    confirms_in_colorado = forms.BooleanField(
        label=_("I will be in Colorado during video sessions"),
        required=False,
        help_text=_(
            "Our therapists are licensed in Colorado, so video sessions are for clients who are there."
        ),
    )

    field_order = ["session_type", "modality", "confirms_in_colorado", "preferred_therapist"]

    def __init__(self, *args, therapists=None, **kwargs):
        super().__init__(*args, **kwargs)
        if therapists is not None:
            self.fields["preferred_therapist"].queryset = therapists
        self.fields["session_type"].label_from_instance = lambda st: (
            f"{st.name} ({session_length_words(st.duration_minutes)})"
        )


class RescheduleAskForm(TimesThatSuitForm):
    confirms_in_colorado = forms.BooleanField(
        label=_("I will be in Colorado during the video session"), required=False
    )

    def __init__(self, *args, telehealth: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not telehealth:
            del self.fields["confirms_in_colorado"]


class RowsChoiceIterator(ModelChoiceIterator):
    """A field's choices from the rows a view already read (`field.rows`), so that one read of
    the therapists serves every form on a page; from the queryset otherwise, as Django does
    (which reads it again for each form it renders)."""

    def __iter__(self):
        if self.field.rows is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.rows:
            yield self.choice(obj)

    def __len__(self):
        if self.field.rows is None:
            return super().__len__()
        return len(self.field.rows) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        if self.field.rows is None:
            return super().__bool__()
        return self.field.empty_label is not None or bool(self.field.rows)


class RowsModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that can be given the rows to offer (choose_from) instead of a query."""

    iterator = RowsChoiceIterator
    rows = None

    def choose_from(self, choices: QuerySet | list) -> None:
        """Offer a queryset's rows, or rows already read; with rows, a submitted value is valid
        only if it is one of them, as with the queryset they were read from."""
        if isinstance(choices, QuerySet):
            self.rows = None
            self.queryset = choices
        else:
            self.rows = list(choices)
            self.queryset = self.queryset.model.objects.filter(pk__in=[row.pk for row in self.rows])


class BookForm(forms.Form):
    """A time chosen by the front desk: a suggestion's hidden fields, or typed in."""

    therapist = RowsModelChoiceField(label=_("Therapist"), queryset=User.objects.none())
    day = DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Start time (Denver)"), widget=TimeInput)
    modality = forms.ChoiceField(label=_("How"), choices=Modality.choices)

    def __init__(self, *args, therapists=None, **kwargs):
        super().__init__(*args, **kwargs)
        if therapists is not None:
            self.fields["therapist"].choose_from(therapists)

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start_time"):
            start = denver_instant(data["day"], data["start_time"])
            if start is None:
                self.add_error("start_time", TIME_DOES_NOT_EXIST)
            data["start"] = start
        return data


class RescheduleForm(BookForm):
    session_type = forms.ModelChoiceField(
        label=_("Kind of session"),
        queryset=SessionType.objects.filter(active=True),
        required=False,
        empty_label=_("Keep the same kind"),
        help_text=_("A new kind sets the session's length, and a self-pay client gets a new estimate."),
    )
    reason = TypedTextField(label=_("Reason (for the record; not sent)"), required=False, max_length=200)


class ConfirmFields(forms.Form):
    """What the confirmation step adds to a booking or a move: that it was confirmed, and the
    reason for a time outside the usual rules (scheduling.appointment_services.booking_guard)."""

    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    override_reason = TypedTextField(
        label=_("Reason to book this time anyway (kept in the audit log; not sent)"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BookConfirmForm(BookForm, ConfirmFields):
    pass


class RescheduleConfirmForm(RescheduleForm, ConfirmFields):
    pass


class DeclineForm(forms.Form):
    reason = TypedTextField(
        label=_("Reason, sent to the client"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Plain and kind, and nothing about why they are seeking care: it is emailed."),
    )


class StaffCancelForm(forms.Form):
    reason = TypedTextField(
        label=_("Reason for cancelling (for the record)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


REQUEST_REOPEN, REQUEST_CLOSE = "reopen", "close"
ERROR_AFTERWARDS = _("Please choose whether you would like us to find you another time.")


class ClientCancelForm(forms.Form):
    afterwards = forms.ChoiceField(
        label=_("Would you like us to find you another time?"),
        choices=[
            (REQUEST_REOPEN, _("Yes, please find me another time")),
            (REQUEST_CLOSE, _("No, not for now")),
        ],
        widget=forms.RadioSelect,
        # Asked, never assumed: whether her request stays open is her choice.
        error_messages={"required": ERROR_AFTERWARDS},
    )
    reason = TypedTextField(
        label=_("Would you like to tell us why? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, may_reopen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_reopen:
            del self.fields["afterwards"]

    def reopen_request(self) -> bool:
        return self.cleaned_data.get("afterwards") == REQUEST_REOPEN


class CalendarForm(forms.Form):
    view = forms.ChoiceField(choices=[("week", _("Week")), ("day", _("Day"))], required=False)
    day = DateField(required=False, widget=DateInput)
    therapist = forms.ModelChoiceField(
        label=_("Therapist"), queryset=User.objects.none(), required=False, empty_label=_("Everyone")
    )

    def __init__(self, *args, therapists=None, **kwargs):
        super().__init__(*args, **kwargs)
        if therapists is not None:
            self.fields["therapist"].queryset = therapists


class AvailabilityForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), choices=WeeklyAvailability.Weekday.choices, coerce=int)
    start_time = forms.TimeField(label=_("From (Denver time)"), widget=TimeInput)
    end_time = forms.TimeField(label=_("Until (Denver time)"), widget=TimeInput)
    modality = forms.ChoiceField(label=_("How"), choices=Modality.choices)
    valid_from = DateField(label=_("Starting on"), widget=DateInput)
    valid_until = DateField(label=_("Last day (optional)"), required=False, widget=DateInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and start >= end:
            self.add_error("end_time", END_BEFORE_START)
        first, last = data.get("valid_from"), data.get("valid_until")
        if first and last and last < first:
            self.add_error("valid_until", UNTIL_BEFORE_FROM)
        return data


class TimeOffForm(forms.Form):
    start_day = DateField(label=_("From (date)"), widget=DateInput)
    start_time = forms.TimeField(label=_("From (time, Denver)"), widget=TimeInput, initial=time(0))
    end_day = DateField(label=_("Until (date)"), widget=DateInput)
    end_time = forms.TimeField(label=_("Until (time, Denver)"), widget=TimeInput, initial=time(23, 59))
    reason = TypedTextField(label=_("Note (optional)"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if all(data.get(k) for k in ("start_day", "end_day")) and all(
            data.get(k) is not None for k in ("start_time", "end_time")
        ):
            start = denver_instant(data["start_day"], data["start_time"])
            end = denver_instant(data["end_day"], data["end_time"])
            if start is None:
                self.add_error("start_time", TIME_DOES_NOT_EXIST)
            elif end is None:
                self.add_error("end_time", TIME_DOES_NOT_EXIST)
            elif end <= start:
                self.add_error("end_day", END_BEFORE_START)
            data["start"], data["end"] = start, end
        return data


OFFICE_HOURS_HALF = _(
    "Give both the opening and the closing time, or neither for a day the office is closed."
)


class OfficeHoursForm(forms.Form):
    """The office's opening and closing time for each weekday (both blank: closed)."""

    def __init__(self, *args, initial_hours: dict[int, tuple[time, time]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_hours = initial_hours or {}
        for weekday, name in WeeklyAvailability.Weekday.choices:
            opening = initial_hours.get(weekday)
            self.fields[f"opens_{weekday}"] = forms.TimeField(
                label=_("%(day)s: opens") % {"day": name},
                required=False,
                widget=TimeInput,
                initial=opening[0] if opening else None,
            )
            self.fields[f"closes_{weekday}"] = forms.TimeField(
                label=_("%(day)s: closes") % {"day": name},
                required=False,
                widget=TimeInput,
                initial=opening[1] if opening else None,
            )

    def clean(self):
        data = super().clean()
        hours = {}
        for weekday, _name in WeeklyAvailability.Weekday.choices:
            opens, closes = data.get(f"opens_{weekday}"), data.get(f"closes_{weekday}")
            if f"opens_{weekday}" in self.errors or f"closes_{weekday}" in self.errors:
                continue
            if (opens is None) != (closes is None):
                missing = f"closes_{weekday}" if closes is None else f"opens_{weekday}"
                self.add_error(missing, OFFICE_HOURS_HALF)
            elif opens is not None and opens >= closes:
                self.add_error(f"closes_{weekday}", END_BEFORE_START)
            elif opens is not None:
                hours[weekday] = (opens, closes)
        data["hours"] = hours
        return data

    def rows(self):
        """(weekday name, (opens field, closes field)) per weekday, for the page's table."""
        return [
            (name, (self[f"opens_{weekday}"], self[f"closes_{weekday}"]))
            for weekday, name in WeeklyAvailability.Weekday.choices
        ]


class OfficeClosureForm(forms.Form):
    day = DateField(label=_("Date the office is closed"), widget=DateInput)
    name = TypedTextField(label=_("What for (optional)"), required=False, max_length=100)
