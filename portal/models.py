from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_address_lines, validate_npi, validate_tax_id


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("role", User.Role.CLIENT)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(role=User.Role.PRACTICE_ADMIN, is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: clients sign themselves up; staff are created by an admin."""

    class Role(models.TextChoices):
        CLIENT = "client", _("Client")
        THERAPIST = "therapist", _("Therapist")
        FRONT_DESK = "front_desk", _("Front desk")
        PRACTICE_ADMIN = "practice_admin", _("Practice admin")

    STAFF_ROLES = frozenset({Role.THERAPIST, Role.FRONT_DESK, Role.PRACTICE_ADMIN})

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CLIENT)
    is_active = models.BooleanField(_("active"), default=True)
    # Django admin access; kept in step with the role by the user_role_set service.
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["client", "therapist", "front_desk", "practice_admin"]),
                name="portal_user_role_valid",
            ),
        ]
        indexes = [
            # Who an intake can be assigned to (the queue's filter, the detail page's form):
            # a handful of therapists read without scanning every client's account.
            models.Index(
                fields=["full_name", "email"],
                condition=models.Q(role="therapist", is_active=True),
                name="portal_user_active_therapists",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Practice(TimeStampedModel):
    """The practice's own details and settings; one row, edited in Django admin."""

    name = models.CharField(_("practice name"), max_length=200)
    address_line1 = models.CharField(_("address"), max_length=200)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, default="Denver")
    state = models.CharField(_("state"), max_length=2, default="CO")
    postal_code = models.CharField(_("ZIP code"), max_length=10)
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("email"))
    website = models.URLField(_("website"), blank=True)
    on_call_emails = models.TextField(
        _("on-call notification addresses"),
        blank=True,
        validators=[validate_address_lines],
        help_text=_(
            "One email address per line. They are emailed when an intake needs same-day review. "
            "With none here, the addresses in the PORTAL_ON_CALL_EMAILS setting are used."
        ),
    )
    urgent_realert_minutes = models.PositiveSmallIntegerField(
        _("re-alert an unacknowledged urgent flag after (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_(
            "An urgent flag nobody has acknowledged this long after the on-call was emailed is "
            "emailed to them again; after the same time once more, to every practice admin too."
        ),
    )
    minimum_client_age = models.PositiveSmallIntegerField(
        _("minimum client age"),
        default=18,
        validators=[MinValueValidator(12), MaxValueValidator(99)],
    )
    epds_enabled = models.BooleanField(
        _("offer the Edinburgh Postnatal Depression Scale"),
        default=False,
        help_text=_(
            "Turn on only once the practice holds the Royal College of Psychiatrists' written permission."
        ),
    )
    pcptsd5_cutoff = models.PositiveSmallIntegerField(
        _("PC-PTSD-5 positive cut-off"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    therapists_see_assigned_only = models.BooleanField(
        _("therapists see only assigned and unassigned intakes"), default=False
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(_("cancellation notice (hours)"), default=24)
    late_cancellation_fee = models.DecimalField(
        _("late cancellation and missed session fee (USD)"),
        max_digits=7,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Charged for a session cancelled with less notice than above, or missed; 0 for none."),
    )
    reminder_hours_before = models.PositiveSmallIntegerField(_("reminder (hours before)"), default=24)
    booking_buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between sessions (minutes)"), default=10
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        _("minimum notice for a booking (hours)"),
        default=24,
        validators=[MaxValueValidator(336)],
        help_text=_(
            "Times sooner than this are not suggested, and booking one needs a reason: the therapist "
            "needs time to read the intake."
        ),
    )
    # Billing identity, printed on each Good Faith Estimate (45 CFR 149.610). Blank until the
    # practice admin fills it in: no estimate is issued while either is missing.
    npi = models.CharField(_("practice NPI (type 2)"), max_length=10, blank=True, validators=[validate_npi])
    tax_id = models.CharField(
        _("tax id (EIN)"),
        max_length=10,
        blank=True,
        validators=[validate_tax_id],
        help_text=_("e.g. 84-1234567"),
    )
    sliding_scale_offered = models.BooleanField(_("offers a sliding scale"), default=False)
    sliding_scale_note = models.CharField(
        _("sliding scale: a word for clients"),
        max_length=300,
        blank=True,
        help_text=_("Shown on the intake's payment step when a sliding scale is offered."),
    )
    estimate_ongoing_sessions = models.PositiveSmallIntegerField(
        _("Good Faith Estimate: ongoing sessions expected"),
        default=11,
        help_text=_("Sessions after the first one, over the period below."),
    )
    estimate_months = models.PositiveSmallIntegerField(
        _("Good Faith Estimate: period (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("At most 12."),
    )

    class BookingGate(models.TextChoices):
        ACCEPTED = "accepted", _("When a therapist accepts the intake")
        ON_REQUEST = "on_request", _("As soon as the client asks (the practice triages by phone)")

    booking_gate = models.CharField(
        _("requests can be booked"),
        max_length=20,
        choices=BookingGate.choices,
        default=BookingGate.ACCEPTED,
        help_text=_(
            "Whether the front desk waits for a therapist to accept a new client's intake before booking."
        ),
    )
    regulator_contact = models.TextField(
        _("the regulator's contact"),
        default=(
            "the State Board of Social Work Examiners or the State Board of Licensed Professional "
            "Counselor Examiners, Division of Professions and Occupations, 1560 Broadway, Suite 1350, "
            "Denver, CO 80202; phone (303) 894-7800"
        ),
        help_text=_(
            "Where clients can reach the boards that license the therapists (the Colorado disclosure)."
        ),
    )

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practice")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_client_age__gte=12) & models.Q(minimum_client_age__lte=99),
                name="portal_practice_min_age_range",
            ),
            models.CheckConstraint(
                condition=models.Q(pcptsd5_cutoff__gte=1) & models.Q(pcptsd5_cutoff__lte=5),
                name="portal_practice_pcptsd5_cutoff_range",
            ),
            models.CheckConstraint(
                condition=models.Q(estimate_months__gte=1) & models.Q(estimate_months__lte=12),
                name="portal_practice_estimate_months_range",
            ),
            models.CheckConstraint(
                condition=models.Q(urgent_realert_minutes__gte=5) & models.Q(urgent_realert_minutes__lte=240),
                name="portal_practice_urgent_realert_minutes_range",
            ),
            models.CheckConstraint(
                condition=models.Q(late_cancellation_fee__gte=0), name="portal_practice_late_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(booking_gate__in=["accepted", "on_request"]),
                name="portal_practice_booking_gate_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def on_call_list(self) -> list[str]:
        return [line.strip() for line in self.on_call_emails.splitlines() if line.strip()]

    @property
    def address_one_line(self) -> str:
        parts = [self.address_line1, self.address_line2, f"{self.city}, {self.state} {self.postal_code}"]
        return ", ".join(p for p in parts if p)


class TherapistCredentials(TimeStampedModel):
    """Whether a therapist takes new clients, and what Colorado's mandatory disclosure
    (C.R.S. 12-245-216) tells clients of her: her degrees, credentials and licences with
    numbers, and the education, experience and training each required. Kept with the
    accounts, not with scheduling, because the intake's disclosure is written from it (it
    lists those taking new clients) and the intake never reads scheduling."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        limit_choices_to={"role": "therapist"},
        related_name="credentials",
        verbose_name=_("therapist"),
    )
    licence = models.CharField(
        _("licence"), max_length=200, help_text=_("e.g. Licensed Clinical Social Worker (LCSW)")
    )
    licence_number = models.CharField(_("Colorado licence number"), max_length=60)
    npi = models.CharField(_("NPI (type 1)"), max_length=10, blank=True, validators=[validate_npi])
    degrees = models.TextField(_("degrees"), help_text=_("Each degree with its school and year."))
    licence_requires = models.TextField(
        _("what the licence requires"),
        help_text=_("The education, supervised experience and examinations the licence required."),
    )
    further_training = models.TextField(
        _("further credentials and training"), blank=True, help_text=_("Certifications and training since.")
    )
    # Read by scheduling (who may be booked as a new client's therapist) and by the intake
    # (who the disclosure lists), through portal.selectors.therapists_taking_new_clients.
    taking_new_clients = models.BooleanField(_("taking new clients"), default=True)

    class Meta:
        verbose_name = _("therapist's credentials")
        verbose_name_plural = _("therapists' credentials")

    def __str__(self) -> str:
        return str(self.user)


class AuditQuerySet(models.QuerySet):
    """Audit rows are written once and never changed or removed by the application."""

    def update(self, **kwargs):
        raise PermissionError("Audit events cannot be changed.")

    def delete(self):
        raise PermissionError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """Who viewed or changed which client's record, when, from where (HIPAA 164.312(b))."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        SUBMIT = "submit", _("Submitted")
        DOWNLOAD = "download", _("Downloaded")
        EXPORT = "export", _("Exported")
        SIGN = "sign", _("Signed")
        ROLE_CHANGE = "role_change", _("Changed role")
        NOTIFY = "notify", _("Notified")
        SIGN_IN_PAUSE = "sign_in_pause", _("Paused sign-ins")

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_actions",
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_about",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "created_at"]),
            models.Index(fields=["actor", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        # An invariant, not business logic: an existing row is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")


class HeldRequest(models.Model):
    """Answers a client sent just as her session ended, kept until she signs in again.

    Without them, pressing Save a moment after the automatic sign-out would throw away what
    she typed. Only views marked with portal.held.hold_when_signed_out are held; each is
    replayed as her, in order, right after her next sign-in, then deleted.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=300)
    content_type = models.CharField(max_length=100)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.path} {self.created_at:%Y-%m-%d %H:%M}"


class Message(TimeStampedModel):
    """One message on one channel: the one ledger that makes delivery at-least-once with
    duplicates only in one narrow window, for every app.

    ``client`` is the person the message is about (the audit row's client): it goes to her,
    or, for a staff alert, to the addresses its kind names, never with clinical detail.
    An app registers each kind it sends (portal.message_ledger.message_kind_register) and
    names the record a message is about (``subject``: any model, by content type). ``key``
    names the message (kind, subject, revision, channel). A send first claims the row
    (claimed_at, in a short transaction), so retried or overlapping tasks find it taken or
    sent; the result is recorded after the mail server answers. Only a crash between the mail
    server accepting a message and that record can send it twice, with the same Message-ID.
    A failed send stays on record to be tried again.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        SKIPPED = "skipped", _("Not sent")

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    version = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    skipped_reason = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set while one run is handing the message to the mail server (see message_ledger._deliver).
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sent", "failed", "skipped"]),
                name="portal_message_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="portal_message_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
