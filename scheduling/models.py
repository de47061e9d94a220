"""Therapists' hours, the client's request for an appointment, and appointments.

Storage is UTC; weekly availability is wall-clock time in the practice's zone
(America/Denver), turned into UTC instants by scheduling.slots.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStampedModel, User

THERAPISTS_ONLY = {"role": User.Role.THERAPIST}

# A CPT code: five characters, four digits then a digit or a letter (90837, 0362T, 9920F).
service_code_validator = RegexValidator(
    r"^[0-9]{4}[0-9A-Z]$", _("Enter the five-character CPT code, for example 90837.")
)

# Name of the PostgreSQL exclusion constraint that stops a therapist being double booked. It
# is created by migration 0002 on PostgreSQL only (see there); appointment_services.appointment_book
# recognises a violation of it by this name.
APPOINTMENT_NO_OVERLAP = "scheduling_appointment_no_overlap"


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    TELEHEALTH = "telehealth", _("Telehealth")


class TherapistProfile(TimeStampedModel):
    """What clients see of a therapist and how she meets them. Whether she takes new clients
    is the portal's (TherapistCredentials), read through portal.selectors."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        limit_choices_to=THERAPISTS_ONLY,
        related_name="therapist_profile",
    )
    credentials = models.CharField(_("credentials"), max_length=100, blank=True, help_text=_("e.g. LPC, LAC"))
    bio = models.TextField(_("bio"), blank=True)
    offers_in_person = models.BooleanField(_("offers in-person sessions"), default=True)
    offers_telehealth = models.BooleanField(_("offers telehealth sessions"), default=True)
    video_link = models.URLField(_("video session link"), blank=True)

    class Meta:
        verbose_name = _("therapist profile")
        verbose_name_plural = _("therapist profiles")

    def __str__(self) -> str:
        return str(self.user)


class Office(TimeStampedModel):
    """Where in-person sessions happen (the Denver office)."""

    name = models.CharField(_("name"), max_length=100)
    address = models.TextField(_("address"))

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name


class SessionType(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    self_pay_fee = models.DecimalField(_("self-pay fee (USD)"), max_digits=7, decimal_places=2)
    # The CPT code the session is billed under; the Good Faith Estimate lists it for each service.
    service_code = models.CharField(
        _("service code (CPT)"),
        max_length=5,
        validators=[service_code_validator],
        help_text=_("Five characters, for example 90837 for psychotherapy of 53 minutes or more."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("session type")
        verbose_name_plural = _("session types")
        ordering = ["duration_minutes", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="scheduling_sessiontype_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(self_pay_fee__gte=0), name="scheduling_sessiontype_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WeeklyAvailability(TimeStampedModel):
    """A therapist's recurring hours: a weekday and wall-clock times in America/Denver."""

    class Weekday(models.IntegerChoices):
        # Python's date.weekday() numbering, which scheduling.slots uses.
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        limit_choices_to=THERAPISTS_ONLY,
        related_name="weekly_availability",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("from (Denver time)"))
    end_time = models.TimeField(_("until (Denver time)"))
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Inclusive."))

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["therapist", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="scheduling_availability_weekday_range"
            ),
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="scheduling_availability_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(modality__in=Modality.values), name="scheduling_availability_modality_valid"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_from__lte=F("valid_until")),
                name="scheduling_availability_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.therapist} {self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class TimeOff(TimeStampedModel):
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        limit_choices_to=THERAPISTS_ONLY,
        related_name="time_off",
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        ordering = ["start"]
        indexes = [models.Index(fields=["therapist", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="scheduling_timeoff_start_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.therapist} {self.start:%Y-%m-%d}"


class OfficeHours(TimeStampedModel):
    """When the office is open for in-person sessions on a weekday, in Denver wall-clock time.

    With no rows at all the practice has not set office hours, and in-person sessions are held
    to the therapists' hours alone; once any weekday is set, a weekday without a row is closed.
    """

    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=WeeklyAvailability.Weekday.choices, unique=True
    )
    start_time = models.TimeField(_("opens (Denver time)"))
    end_time = models.TimeField(_("closes (Denver time)"))

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        ordering = ["weekday"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="scheduling_officehours_weekday_range"
            ),
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="scheduling_officehours_start_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class OfficeClosure(TimeStampedModel):
    """A Denver day the office is closed for in-person sessions (a holiday)."""

    day = models.DateField(_("date"), unique=True)
    name = models.CharField(_("what for"), max_length=100, blank=True, help_text=_("e.g. Thanksgiving"))

    class Meta:
        verbose_name = _("office closure")
        verbose_name_plural = _("office closures")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}".strip()


class AppointmentRequest(TimeStampedModel):
    """A client asking for a first (or next) appointment, with the times that suit them.

    ``windows`` is a list of {"weekdays": [0-6], "parts": ["morning", ...]} and/or
    {"date": "YYYY-MM-DD"} items, read by scheduling.slots.windows_parse.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        BOOKED = "booked", _("Booked")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    class ModalityPreference(models.TextChoices):
        IN_PERSON = Modality.IN_PERSON.value, Modality.IN_PERSON.label
        TELEHEALTH = Modality.TELEHEALTH.value, Modality.TELEHEALTH.label
        EITHER = "either", _("Either")

    class Priority(models.TextChoices):
        # Said as what to do, in scheduling words: the front desk learns how soon to reach
        # out, never why (a same-day safety level becomes "Contact today"). None of them is a
        # word of the therapist's risk bands (Urgent, High, Routine...).
        URGENT = "urgent", _("Contact today")
        HIGH = "high", _("Contact soon")
        ROUTINE = "routine", _("Contact as usual")

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointment_requests"
    )
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="+")
    modality = models.CharField(
        _("modality"), max_length=20, choices=ModalityPreference.choices, default=ModalityPreference.EITHER
    )
    preferred_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        limit_choices_to=THERAPISTS_ONLY,
        related_name="+",
    )
    windows = models.JSONField(_("times that suit"), default=list, blank=True)
    earliest_date = models.DateField(_("earliest date"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # Set from the intake's risk level by a later service; here only stored.
    priority = models.CharField(
        _("priority"), max_length=20, choices=Priority.choices, default=Priority.ROUTINE
    )
    # Telehealth across state lines depends on licensure: the client confirms they will be in
    # Colorado for the session. None until asked.
    confirms_in_colorado = models.BooleanField(_("will be in Colorado for sessions"), null=True, blank=True)
    # Set when the client asks to move a booked appointment: booking this request then moves
    # that appointment instead of adding another.
    reschedule_of = models.ForeignKey(
        "Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reschedule_requests",
        verbose_name=_("appointment to move"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment request")
        verbose_name_plural = _("appointment requests")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "priority", "created_at"]),
            # The front desk's queue: only open requests, oldest first (its order after the
            # priority, which comes from the intake and so cannot be in this table's index).
            models.Index(
                fields=["created_at", "id"], condition=Q(status="open"), name="scheduling_request_open_queue"
            ),
        ]
        # Meta cannot see the nested choices classes, hence the literal values.
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "booked", "declined", "cancelled"]),
                name="scheduling_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(modality__in=["in_person", "telehealth", "either"]),
                name="scheduling_request_modality_valid",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=["urgent", "high", "routine"]),
                name="scheduling_request_priority_valid",
            ),
            # One open request per client (and one open "please move it" per appointment):
            # a double-clicked "Send request" must not leave two in the desk's queue.
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status="open", reschedule_of__isnull=True),
                name="scheduling_one_open_request_per_client",
            ),
            models.UniqueConstraint(
                fields=["reschedule_of"],
                condition=Q(status="open", reschedule_of__isnull=False),
                name="scheduling_one_open_move_per_appointment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.session_type} ({self.get_status_display()})"


class Appointment(TimeStampedModel):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")

    # Statuses that hold the therapist's time: the overlap rule (the PostgreSQL exclusion
    # constraint and the check in appointment_book) applies to these only. A no-show is
    # left out so the hour can be re-used for a walk-in or a late reschedule.
    HOLDS_TIME = (Status.BOOKED, Status.COMPLETED)

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        limit_choices_to=THERAPISTS_ONLY,
        related_name="appointments_as_therapist",
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    request = models.ForeignKey(
        AppointmentRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    session_type = models.ForeignKey(SessionType, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.BOOKED)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    # The .ics SEQUENCE: raised on every change of time, so calendars replace the old event.
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["therapist", "start"]),
            models.Index(fields=["client", "start"]),
            models.Index(fields=["status", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="scheduling_appointment_start_before_end"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["booked", "cancelled", "completed", "no_show"]),
                name="scheduling_appointment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(modality__in=Modality.values), name="scheduling_appointment_modality_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="scheduling_appointment_cancelled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} with {self.therapist} at {self.start:%Y-%m-%d %H:%M} UTC"


class NotificationKind(models.TextChoices):
    """The messages scheduling sends a client, through the portal's message ledger
    (portal.models.Message); scheduling.message_kinds says what each one says and when it is
    out of date."""

    CONFIRMATION = "confirmation", _("Booking confirmation")
    RESCHEDULE = "reschedule", _("New time")
    CANCELLATION = "cancellation", _("Cancellation")
    DECLINE = "decline", _("Request declined")
    REMINDER = "reminder", _("Reminder")
    REQUEST_RECEIVED = "request_received", _("Request received")
    ESTIMATE = "estimate", _("Good Faith Estimate ready")


def private_storage():
    """The storage outside any served directory (a callable keeps paths out of migrations)."""
    return storages["private"]


class GoodFaithEstimate(models.Model):
    """One issued Good Faith Estimate (No Surprises Act, 45 CFR 149.610) for a client who pays
    herself or has no insurance: the PDF as given to her, the lines and total it states, and
    when she acknowledged receiving it. Every issued version is kept (six years at least)."""

    class Reason(models.TextChoices):
        BOOKING = "booking", _("An appointment was booked")
        REQUEST = "request", _("Asked for")
        CHANGED = "changed", _("The expected charges or provider changed")

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="estimates")
    version = models.PositiveIntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.PROTECT, related_name="estimates"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, limit_choices_to=THERAPISTS_ONLY, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the estimate states, as issued: [{"description", "quantity", "unit_fee", "total"}].
    lines = models.JSONField()
    total = models.DecimalField(max_digits=9, decimal_places=2)
    file = models.FileField(storage=private_storage, upload_to="estimates/%Y/%m/", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Good Faith Estimate")
        verbose_name_plural = _("Good Faith Estimates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["client", "version"], name="scheduling_estimate_version_unique"),
            models.CheckConstraint(condition=Q(size__gt=0), name="scheduling_estimate_not_empty"),
            models.CheckConstraint(condition=Q(total__gte=0), name="scheduling_estimate_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Good Faith Estimate {self.version} for client {self.client_id}"
