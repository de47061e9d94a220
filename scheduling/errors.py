"""What a scheduling service can refuse, and the words a person is told. Tests import the
messages from here."""

from django.utils.translation import gettext_lazy as _

SLOT_TAKEN = _(
    "That time is no longer free: the therapist has another appointment then. Please choose another time."
)
REQUEST_NOT_OPEN = _("This request has already been dealt with.")
NOT_CANCELLABLE = _("This appointment can no longer be cancelled.")
ALREADY_CANCELLED = _("This appointment was already cancelled; nothing more was sent.")
CANCELLATION_TOO_LATE = _(
    "Appointments can be cancelled online up to %(hours)s hours before they start. Please call the practice."
)
NO_OFFICE = _("There is no office set up for in-person sessions.")
NOT_RESCHEDULABLE = _("This appointment can no longer be moved.")

NEEDS_INTAKE = _("Please send your intake first. Then you can ask for an appointment here.")
REQUEST_ALREADY_OPEN = _(
    "You already have a request with us. We will be in touch soon; you can change it by withdrawing it first."
)
RESCHEDULE_ALREADY_ASKED = _("You have already asked to move this appointment. We will be in touch soon.")
COLORADO_REQUIRED = _(
    "Video sessions are only possible while you are in Colorado. Please confirm, or choose in person."
)
# Asking to move a video appointment: the form offers no "in person" to choose instead.
COLORADO_REQUIRED_VIDEO = _(
    "Video sessions are only possible while you are in Colorado. Please tick the box to confirm "
    "you will be there for this one."
)
DECLINE_REASON_REQUIRED = _("Please give the client a reason. It is sent to them.")
DECLINE_REASON_CLINICAL = _(
    "This reason is emailed, so please leave out words about why the client is seeking care (%(words)s)."
)

NOT_YET_BOOKABLE = _(
    "This request cannot be booked yet: the practice books a new client once a therapist has accepted "
    "her intake. Please wait for the review, or ask the practice admin about the setting."
)
NEEDS_OVERRIDE = _(
    "This time is outside the usual rules ({concerns}). To book it anyway, give a reason; it is kept "
    "in the audit log."
)

# What a booking outside the usual rules is, said to the desk (and kept, in short, in the audit).
CONCERN_OUTSIDE_HOURS = _("outside the therapist's hours for this kind of session")
CONCERN_TIME_OFF = _("during the therapist's time off")
CONCERN_SHORT_NOTICE = _("less than %(hours)s hours from now")
CONCERN_OUTSIDE_OFFICE_HOURS = _("in person outside the office's hours")
CONCERN_OFFICE_CLOSED = _("in person on a day the office is closed")

AVAILABILITY_OVERLAPS = _("These hours overlap hours already set for that day.")
START_IN_PAST = _("That time has already passed. Please choose a time from now on.")


class SchedulingError(Exception):
    """A booking or cancellation refused for a reason the person can be told: next to
    ``field`` on the form, or above it when the refusal is about no one field."""

    field: str | None = None

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class SlotTakenError(SchedulingError):
    pass


class RequestNotOpenError(SchedulingError):
    pass


class NotCancellableError(SchedulingError):
    pass


class CancellationTooLateError(SchedulingError):
    pass


class NoOfficeError(SchedulingError):
    pass


class RequestAlreadyOpenError(SchedulingError):
    """The client already has the open request this one would duplicate (a second click of
    "Send", or a second tab): the view takes her to the request she has."""


class NotYetBookableError(SchedulingError):
    pass


class NeedsOverrideError(SchedulingError):
    """The time breaks one of the booking guardrails and no reason to override was given."""

    field = "override_reason"


class SchedulingFieldError(SchedulingError):
    """A refusal about one field of a form: the view shows it next to that field."""

    def __init__(self, message, field: str) -> None:
        super().__init__(message)
        self.field = field
