"""The client's intake: one row of answers per client, plus the pieces that repeat.

Designed to be read quickly by a therapist and exported later (FHIR): answers are typed
columns and declared choices, not one blob. Nullable booleans and choices keep "not answered"
apart from "no". Multi-choice answers are JSON lists of slugs from declared choices,
validated by the services (see intake.catalogue for the symptom list).
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStampedModel

from .forms_rules import long_text_validators
from .risk_rules import FLAG_LEVELS, MOST_SEVERE_FIRST, SAME_DAY_LEVELS, queue_position


class YesNoUnsure(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNSURE = "unsure", _("Not sure")


class YesNoUnsurePreferNot(models.TextChoices):
    """A yes/no question about something painful: "not sure" and "I'd rather not say" too."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNSURE = "unsure", _("Not sure")
    PREFER_NOT = "prefer_not", _("I'd rather not say")


class RiskLevelChoices(models.TextChoices):
    """The triage levels of intake.risk_rules, as stored values (see CLINICAL.md)."""

    ROUTINE = "routine", _("Routine")
    ELEVATED = "elevated", _("Elevated")
    HIGH = "high", _("High: same-day review")
    URGENT = "urgent", _("Urgent: same-day review")


def _queue_rank_sql() -> str:
    # Built from the one order of intake.risk_rules (URGENT, HIGH, ELEVATED, ROUTINE), so the database's
    # order cannot drift from the one the PDF, the detail page and scheduling use.
    whens = " ".join(
        f"WHEN %(expressions)s = '{level.value}' THEN {queue_position(level)}" for level in MOST_SEVERE_FIRST
    )
    return f"CASE {whens} ELSE {queue_position(None)} END"


class ReviewQueueRank(models.Func):
    """Urgent first, then high, then elevated, then routine: how the queues are ordered.

    Written with literal values rather than query parameters, so that the ORDER BY of the
    queue is the very expression of the index below, which the database can then walk.
    """

    template = _queue_rank_sql()
    output_field = models.IntegerField()

    def __init__(self) -> None:
        super().__init__(F("risk_level"))


class Intake(TimeStampedModel):
    """Everything a client tells the practice before the first session."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Sent to the practice")
        IN_REVIEW = "in_review", _("Being reviewed")
        ACCEPTED = "accepted", _("Accepted")
        REFERRED = "referred", _("Referred elsewhere")
        CLOSED = "closed", _("Closed")

    class HeardAbout(models.TextChoices):
        SEARCH = "search", _("An internet search")
        DIRECTORY = "directory", _("A therapist directory")
        HEALTH_PROVIDER = "health_provider", _("My doctor, midwife or another provider")
        FRIEND = "friend", _("A friend or family member")
        SOCIAL = "social", _("Social media or a blog post")
        SUPPORT_GROUP = "support_group", _("A support group or organisation")
        HOSPITAL_PROGRAM = "hospital_program", _("A hospital program")
        PSI = "psi", _("Postpartum Support International (PSI)")
        OTHER = "other", _("Somewhere else")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    class Service(models.TextChoices):
        LOSS = "loss_counseling", _("Support after miscarriage or pregnancy loss")
        POSTPARTUM = "postpartum_depression", _("Support with postpartum depression or anxiety")
        PREGNANCY_ANXIETY = (
            "pregnancy_anxiety",
            _("Support with worry during pregnancy, or pregnancy after loss"),
        )
        PARTNER = "partner_support", _("Support for my partner, or for us as a couple")
        GROUP = "support_group", _("Interest in a support group")

    class Modality(models.TextChoices):
        IN_PERSON = "in_person", _("In person at the Denver office")
        TELEHEALTH = "telehealth", _("By video (telehealth)")
        EITHER = "either", _("Either is fine")

    class Onset(models.TextChoices):
        AFTER_LOSS = "after_loss", _("After a loss")
        DURING_PREGNANCY = "during_pregnancy", _("During a pregnancy")
        AFTER_BIRTH = "after_birth", _("After a birth")
        BEFORE = "before", _("Long before any of this")
        NOT_SURE = "not_sure", _("I'm not sure")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    class Duration(models.TextChoices):
        UNDER_MONTH = "under_month", _("Less than a month")
        ONE_TO_SIX = "1_6_months", _("1 to 6 months")
        SIX_TO_TWELVE = "6_12_months", _("6 to 12 months")
        ONE_TO_TWO_YEARS = "1_2_years", _("1 to 2 years")
        OVER_TWO_YEARS = "over_2_years", _("More than 2 years")
        NOT_SURE = "not_sure", _("I'm not sure")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    class PregnancyRole(models.TextChoices):
        """Whose pregnancies she or he is coming about: the partner path words every step
        that asks about pregnancies without assuming who carried (intake.partner_words)."""

        OWN = "own", _("My own pregnancies")
        PARTNER = "partner", _("My partner's: I am coming as a partner")
        BOTH = "both", _("Both of ours: we have each been pregnant")
        PREFER_NOT = "prefer_not", _("I'd rather not say")

    class InfantFeeding(models.TextChoices):
        BREAST = "breast", _("Breastfeeding or chestfeeding")
        PUMPING = "pumping", _("Pumping and feeding expressed milk")
        FORMULA = "formula", _("Formula")
        COMBINED = "combined", _("A mix of these")
        NOT_NOW = "not_now", _("I'm not feeding a baby now")
        PREFER_NOT = "prefer_not", _("I'd rather not say")

    class SleepWhenBabySleeps(models.TextChoices):
        YES = "yes", _("Yes, usually")
        SOMETIMES = "sometimes", _("Sometimes")
        NO = "no", _("No, I can't sleep even when I have the chance")
        NO_BABY = "no_baby", _("This doesn't apply to me now")
        PREFER_NOT = "prefer_not", _("I'd rather not say")

    class PaymentMethod(models.TextChoices):
        SELF_PAY = "self_pay", _("I will pay for sessions myself")
        INSURANCE = "insurance", _("I would like to use my health insurance")
        TALK_FIRST = "talk_first", _("I'd like to talk about this first")

    class SubscriberRelationship(models.TextChoices):
        SELF = "self", _("It is my own plan")
        SPOUSE = "spouse", _("My spouse or partner")
        PARENT = "parent", _("My parent")
        OTHER = "other", _("Someone else")

    class RelationshipStatus(models.TextChoices):
        SINGLE = "single", _("Single")
        PARTNERED = "partnered", _("In a relationship")
        MARRIED = "married", _("Married or in a civil union")
        SEPARATED = "separated", _("Separated or divorced")
        WIDOWED = "widowed", _("Widowed")
        OTHER = "other", _("Something else")
        PREFER_NOT = "prefer_not", _("Prefer not to say")

    client = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intake", verbose_name=_("client")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=1)
    # The highest safety level any answer has reached. Never lowered by a later edit: it
    # follows the RiskFlag rows, which are only ever added.
    risk_level = models.CharField(
        _("safety level"), max_length=10, choices=RiskLevelChoices.choices, default=RiskLevelChoices.ROUTINE
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    last_saved_at = models.DateTimeField(_("last saved at"), null=True, blank=True)

    class SummaryProblem(models.TextChoices):
        """Why the PDF summary could not be made (shown to staff; see summary_services)."""

        NONE = "", _("None")
        STORAGE = "storage", _("The file could not be stored")
        TIME_LIMIT = "time_limit", _("It took too long to prepare")
        ERROR = "error", _("It could not be prepared")

    summary_problem = models.CharField(
        _("PDF summary problem"), max_length=20, choices=SummaryProblem.choices, blank=True, default=""
    )
    summary_problem_at = models.DateTimeField(_("PDF summary problem since"), null=True, blank=True)

    # The therapist review (staff only; never shown to the client or the front desk).
    assigned_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_intakes",
        verbose_name=_("assigned therapist"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why an intake was referred out or closed, and the resources the client was given.
    decision_note = models.TextField(_("referral or closing note"), blank=True)
    referral_resources = models.TextField(_("resources given"), blank=True)

    # 1. About you
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    preferred_name = models.CharField(_("name you like to be called"), max_length=100, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=50, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    address_line = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=40, blank=True)
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    emergency_contact_name = models.CharField(_("emergency contact name"), max_length=200, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=30, blank=True)
    emergency_contact_relationship = models.CharField(
        _("emergency contact relationship"), max_length=100, blank=True
    )
    may_email = models.BooleanField(_("may email"), null=True, blank=True)
    may_text = models.BooleanField(_("may text"), null=True, blank=True)
    may_voicemail = models.BooleanField(_("may leave a voicemail"), null=True, blank=True)
    may_name_practice = models.BooleanField(_("may say the practice's name"), null=True, blank=True)
    heard_about = models.CharField(_("heard about us"), max_length=20, choices=HeardAbout.choices, blank=True)
    heard_about_detail = models.CharField(_("heard about us: details"), max_length=200, blank=True)
    referring_provider = models.CharField(_("referring provider"), max_length=200, blank=True)
    referring_practice = models.CharField(_("referring practice or program"), max_length=200, blank=True)
    # Only that she made contact, never more without a separate release.
    referrer_may_know = models.BooleanField(_("referrer may know she made contact"), null=True, blank=True)

    # 9. Payment (before the agreements). Billing details, never clinical.
    payment_method = models.CharField(
        _("how sessions will be paid"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    insurance_plan = models.CharField(_("insurance plan"), max_length=200, blank=True)
    insurance_member_id = models.CharField(_("member ID"), max_length=60, blank=True)
    insurance_group_number = models.CharField(_("group number"), max_length=60, blank=True)
    subscriber_name = models.CharField(_("subscriber's name"), max_length=200, blank=True)
    subscriber_relationship = models.CharField(
        _("subscriber's relationship to the client"),
        max_length=20,
        choices=SubscriberRelationship.choices,
        blank=True,
    )
    subscriber_date_of_birth = models.DateField(_("subscriber's date of birth"), null=True, blank=True)
    secondary_insurance_plan = models.CharField(_("second insurance plan"), max_length=200, blank=True)
    secondary_member_id = models.CharField(_("second plan's member ID"), max_length=60, blank=True)
    secondary_group_number = models.CharField(_("second plan's group number"), max_length=60, blank=True)

    # 2. What brings you here
    services = models.JSONField(_("support wanted"), default=list, blank=True)
    modality = models.CharField(_("how to meet"), max_length=20, choices=Modality.choices, blank=True)
    pregnancy_role = models.CharField(
        _("whose pregnancies"), max_length=10, choices=PregnancyRole.choices, blank=True
    )
    in_colorado = models.CharField(
        _("in Colorado for sessions"), max_length=10, choices=YesNoUnsure.choices, blank=True
    )
    hopes = models.TextField(_("hopes for therapy"), blank=True, validators=long_text_validators())

    # 4. How you have been feeling
    symptoms = models.JSONField(_("what the client has noticed"), default=list, blank=True)
    symptoms_other = models.TextField(
        _("anything else noticed"), blank=True, validators=long_text_validators()
    )
    onset = models.CharField(_("when it started"), max_length=20, choices=Onset.choices, blank=True)
    duration = models.CharField(_("how long"), max_length=20, choices=Duration.choices, blank=True)
    impact_work = models.PositiveSmallIntegerField(
        _("effect on work or daily tasks (0-10)"), null=True, blank=True
    )
    impact_relationships = models.PositiveSmallIntegerField(
        _("effect on relationships (0-10)"), null=True, blank=True
    )
    impact_self_care = models.PositiveSmallIntegerField(
        _("effect on self-care (0-10)"), null=True, blank=True
    )

    # 6. Health history
    past_therapy = models.CharField(
        _("therapy before"), max_length=10, choices=YesNoUnsure.choices, blank=True
    )
    past_therapy_detail = models.TextField(
        _("therapy before: details"), blank=True, validators=long_text_validators()
    )
    diagnoses = models.TextField(_("diagnoses"), blank=True, validators=long_text_validators())
    medications = models.TextField(_("medications"), blank=True, validators=long_text_validators())
    prescriber = models.CharField(_("prescriber"), max_length=200, blank=True)
    ob_provider = models.CharField(_("OB/GYN or midwife"), max_length=200, blank=True)
    substance_use = models.TextField(
        _("alcohol and other substances"), blank=True, validators=long_text_validators()
    )
    before_losses = models.TextField(
        _("how things were before"), blank=True, validators=long_text_validators()
    )
    # 6. Perinatal mental-health history (the therapist needs it before any medication for
    # mood is discussed after a birth).
    perinatal_episodes = models.CharField(
        _("earlier hard times in pregnancy or after a birth"),
        max_length=10,
        choices=YesNoUnsurePreferNot.choices,
        blank=True,
    )
    perinatal_episodes_detail = models.TextField(
        _("earlier hard times: treatment and details"), blank=True, validators=long_text_validators()
    )
    hospital_stay = models.CharField(
        _("hospital stay for mental health"), max_length=10, choices=YesNoUnsurePreferNot.choices, blank=True
    )
    medications_pregnancy = models.TextField(
        _("medications in pregnancy or while breastfeeding"), blank=True, validators=long_text_validators()
    )
    infant_feeding = models.CharField(
        _("feeding a baby now"), max_length=20, choices=InfantFeeding.choices, blank=True
    )
    sleep_hours = models.PositiveSmallIntegerField(_("hours of sleep in 24 hours"), null=True, blank=True)
    sleep_when_baby_sleeps = models.CharField(
        _("can sleep when the baby sleeps"), max_length=20, choices=SleepWhenBabySleeps.choices, blank=True
    )
    mania_history = models.CharField(
        _("times of unusually high energy or mood (mania or hypomania)"),
        max_length=10,
        choices=YesNoUnsurePreferNot.choices,
        blank=True,
    )
    bipolar_diagnosis = models.CharField(
        _("told she has bipolar disorder"), max_length=10, choices=YesNoUnsurePreferNot.choices, blank=True
    )
    family_bipolar_psychosis = models.CharField(
        _("family history of bipolar disorder or postpartum psychosis"),
        max_length=10,
        choices=YesNoUnsurePreferNot.choices,
        blank=True,
    )

    # 7. Support
    relationship_status = models.CharField(
        _("relationship status"), max_length=20, choices=RelationshipStatus.choices, blank=True
    )
    supporters = models.TextField(_("who supports the client"), blank=True, validators=long_text_validators())
    partner_may_join = models.CharField(
        _("partner may join sessions"), max_length=10, choices=YesNoUnsure.choices, blank=True
    )

    # 8. Appointment preferences
    appointment_preferences = models.TextField(
        _("appointment preferences"), blank=True, validators=long_text_validators()
    )

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints = [
            models.CheckConstraint(
                condition=Q(impact_work__isnull=True) | Q(impact_work__gte=0, impact_work__lte=10),
                name="intake_impact_work_0_10",
            ),
            models.CheckConstraint(
                condition=Q(impact_relationships__isnull=True)
                | Q(impact_relationships__gte=0, impact_relationships__lte=10),
                name="intake_impact_relationships_0_10",
            ),
            models.CheckConstraint(
                condition=Q(impact_self_care__isnull=True)
                | Q(impact_self_care__gte=0, impact_self_care__lte=10),
                name="intake_impact_self_care_0_10",
            ),
            models.CheckConstraint(
                condition=Q(sleep_hours__isnull=True) | Q(sleep_hours__gte=0, sleep_hours__lte=24),
                name="intake_sleep_hours_0_24",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="intake_submitted_has_time",
            ),
        ]
        indexes = [
            # The therapists' queue reads its page straight off this index, in order, however
            # many intakes there are (the sort is what grew with the practice).
            models.Index(
                ReviewQueueRank(),
                F("submitted_at"),
                F("created_at"),
                F("id"),
                name="intake_review_queue_order",
            ),
            # The front desk's "ready to schedule" list has a fixed filter (accepted): its page
            # is read off this smaller index, in the list's order.
            models.Index(
                ReviewQueueRank(),
                F("submitted_at"),
                F("id"),
                condition=Q(status="accepted"),
                name="intake_ready_to_schedule_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Intake {self.pk} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def telehealth_outside_colorado(self) -> bool:
        """Staff flag: telehealth is only possible while the client is in Colorado."""
        return self.modality in (self.Modality.TELEHEALTH, self.Modality.EITHER) and self.in_colorado in (
            YesNoUnsure.NO,
            YesNoUnsure.UNSURE,
        )


class PregnancyEntry(TimeStampedModel):
    """One pregnancy the client chose to tell us about, in the order she gave them."""

    class Outcome(models.TextChoices):
        MISCARRIAGE = "miscarriage", _("Miscarriage")
        CHEMICAL = "chemical", _("A very early loss, before a scan (chemical pregnancy)")
        ECTOPIC = "ectopic", _("Ectopic pregnancy")
        MOLAR = "molar", _("Molar pregnancy")
        STILLBIRTH = "stillbirth", _("Stillbirth")
        NEONATAL_DEATH = "neonatal_death", _("A baby who died after birth, including in the NICU")
        MULTIPLES_LOSS = "multiples_loss", _("Twins or more, and one or more of the babies died")
        TFMR = "tfmr", _("Ending a pregnancy for medical reasons")
        ENDED_OTHER = "ended_other", _("Ending a pregnancy for other reasons")
        LIVE_BIRTH = "live_birth", _("Birth of a living baby")
        CURRENT = "current", _("I am pregnant now")
        # Counted as neither a loss nor a birth (intake.pregnancy_history.UNKNOWN).
        PREFER_NOT_TO_SAY = "prefer_not_to_say", _("I'd rather not say")

    class Complication(models.TextChoices):
        SURGERY = "surgery", _("Surgery or a procedure (such as a D&C)")
        INFECTION = "infection", _("An infection")
        BLEEDING = "bleeding", _("Heavy bleeding or a blood transfusion")
        EMERGENCY = "emergency", _("Emergency care")
        NICU = "nicu", _("A stay in the NICU")
        # How a birth went (asked of every pregnancy; most fit a birth).
        EMERGENCY_CAESAREAN = "emergency_caesarean", _("An emergency caesarean (C-section)")
        PRETERM = "preterm", _("The baby came early (preterm)")
        PREECLAMPSIA = "preeclampsia", _("Preeclampsia or HELLP syndrome")
        FETAL_DIAGNOSIS = "fetal_diagnosis", _("A diagnosis for the baby during the pregnancy")
        TRAUMATIC = "traumatic", _("It felt frightening or traumatic")

    class BabyOutcome(models.TextChoices):
        """What happened to each baby of twins or more (intake.pregnancy_history counts
        losses and births per baby)."""

        LIVED = "live_birth", _("Born alive and living")
        EARLY_LOSS = "miscarriage", _("Died early in the pregnancy")
        STILLBIRTH = "stillbirth", _("Stillborn")
        NEONATAL_DEATH = "neonatal_death", _("Died after birth")
        TFMR = "tfmr", _("Pregnancy ended for this baby for medical reasons")
        PREFER_NOT_TO_SAY = "prefer_not_to_say", _("I'd rather not say")

    class FertilityTreatment(models.TextChoices):
        NONE = "none", _("None")
        MEDICATION = "medication", _("Fertility medication")
        IUI = "iui", _("IUI (insemination)")
        IVF = "ivf", _("IVF")
        DONOR = "donor", _("A donor egg, sperm or embryo")
        SURROGACY = "surrogacy", _("A surrogate or gestational carrier")
        PREFER_NOT = "prefer_not", _("I'd rather not say")

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="pregnancies")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    outcome = models.CharField(_("what happened"), max_length=20, choices=Outcome.choices)
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    when_declined = models.BooleanField(_("prefers not to say when"), default=False)
    weeks = models.PositiveSmallIntegerField(_("weeks of pregnancy"), null=True, blank=True)
    weeks_declined = models.BooleanField(_("prefers not to say how many weeks"), default=False)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    complications = models.JSONField(_("medical care"), default=list, blank=True)
    complications_declined = models.BooleanField(_("prefers not to say about medical care"), default=False)
    note = models.TextField(
        _("anything you would like us to know"), blank=True, validators=long_text_validators()
    )
    # Twins or more: one BabyOutcome slug per baby, in the order she gave them.
    baby_outcomes = models.JSONField(_("what happened to each baby"), default=list, blank=True)
    fertility_treatment = models.CharField(
        _("fertility treatment"), max_length=20, choices=FertilityTreatment.choices, blank=True
    )
    nicu_days = models.PositiveSmallIntegerField(_("days in the NICU"), null=True, blank=True)
    birth_words = models.TextField(
        _("how the birth was, in her own words"), blank=True, validators=long_text_validators()
    )
    # For the therapist's use only: never in any message (tests scan every message kind).
    baby_name = models.CharField(_("baby's name"), max_length=200, blank=True)
    # The partner path: how it was for the person answering (intake.partner_words).
    own_experience = models.TextField(
        _("how it was for the person answering"), blank=True, validators=long_text_validators()
    )

    class Meta:
        verbose_name = _("pregnancy")
        verbose_name_plural = _("pregnancies")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weeks__isnull=True) | Q(weeks__gte=0, weeks__lte=45),
                name="intake_pregnancy_weeks_0_45",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="intake_pregnancy_month_1_12",
            ),
            models.CheckConstraint(
                condition=Q(
                    outcome__in=[
                        "miscarriage",
                        "chemical",
                        "ectopic",
                        "molar",
                        "stillbirth",
                        "neonatal_death",
                        "multiples_loss",
                        "tfmr",
                        "ended_other",
                        "live_birth",
                        "current",
                        "prefer_not_to_say",
                    ]
                ),
                name="intake_pregnancy_outcome_valid",
            ),
            models.UniqueConstraint(
                fields=["intake"], condition=Q(outcome="current"), name="intake_one_current_pregnancy"
            ),
            models.CheckConstraint(
                condition=Q(nicu_days__isnull=True) | Q(nicu_days__lte=365),
                name="intake_pregnancy_nicu_days_0_365",
            ),
            # "I'd rather not say how many weeks" and a number of weeks cannot both stand.
            models.CheckConstraint(
                condition=Q(weeks_declined=False) | Q(weeks__isnull=True),
                name="intake_pregnancy_weeks_or_declined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.year or '?'})"


class HardDate(TimeStampedModel):
    """A date that is hard for the client (a due date of a baby lost, an anniversary).

    The therapist sees it on the review page, the PDF and the timeline; no message ever
    names it (the message templates carry no intake answers, and the tests scan them).
    """

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="hard_dates")
    date = models.DateField(_("date"))
    what = models.CharField(_("what the date is"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("hard date")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"Hard date for intake {self.intake_id}"


class QuestionnaireResponse(TimeStampedModel):
    """The client's answers to one screening instrument (see intake.instruments)."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="questionnaires")
    code = models.CharField(_("instrument"), max_length=20)
    # Item key -> 0-based option index, True/False, or None for "prefer not to answer".
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("questionnaire response")
        constraints = [
            models.UniqueConstraint(fields=["intake", "code"], name="intake_one_response_per_instrument"),
        ]

    def __str__(self) -> str:
        return f"{self.code} for intake {self.intake_id}"


class ConsentDocument(TimeStampedModel):
    """One version of an agreement the client reads and signs. Versions are never edited:
    a change is a new version (consent_document_revise), and clients are asked again."""

    class Kind(models.TextChoices):
        INFORMED_CONSENT = "informed_consent", _("Consent to therapy")
        CO_MANDATORY_DISCLOSURE = "co_mandatory_disclosure", _("Colorado mandatory disclosure")
        TELEHEALTH = "telehealth", _("Consent to telehealth")
        PRIVACY_NOTICE = "privacy_notice", _("Notice of privacy practices")
        COMMUNICATIONS = "communications", _("Consent to email, text and voicemail")
        CANCELLATION_POLICY = "cancellation_policy", _("Cancellation and missed session policy")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    # May contain {practice_name}, {practice_address}, {practice_phone}, {practice_email},
    # filled in from the Practice row when shown and hashed.
    body = models.TextField(_("text"))
    # The practice's details the text names, as they were when this version was published:
    # the version reads the same for as long as it is current, and a change to one of them
    # (a new fee, a new address) is a new version (consent_documents_republish).
    details = models.JSONField(_("details filled in"), default=dict, blank=True)
    is_current = models.BooleanField(_("current version"), default=True)
    # Set on a version that was published unfinished (a placeholder where facts belong):
    # a signature of it is not enough, and the client is asked to sign the complete one.
    incomplete_reason = models.CharField(_("why this version was incomplete"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent document")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="intake_consent_kind_version_unique"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_current=True), name="intake_consent_one_current_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class ConsentSignature(models.Model):
    """A signed agreement: written once, never changed (no update path exists)."""

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="signatures")
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="signatures")
    document_version = models.PositiveIntegerField(_("version signed"))
    typed_name = models.CharField(_("typed name"), max_length=200)
    agreed = models.BooleanField(_("agreed"))
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    # The exact text shown (practice details filled in), and its SHA-256, to prove what was
    # signed however the practice's details or the therapists change later. Empty for
    # signatures made before the text was kept.
    text = models.TextField(_("text signed"), blank=True)
    text_sha256 = models.CharField(_("SHA-256 of the text signed"), max_length=64)

    class Meta:
        verbose_name = _("consent signature")
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "document"], name="intake_one_signature_per_document"),
            models.CheckConstraint(condition=Q(agreed=True), name="intake_signature_agreed"),
        ]

    def __str__(self) -> str:
        return f"{self.typed_name}: {self.document}"


class RiskFlag(TimeStampedModel):
    """A safety level reached by an intake's answers, recorded the first time it is reached.

    Flags are never removed or lowered by the client's later edits; a therapist
    acknowledges one with a note of what was done.
    """

    class FollowUp(models.TextChoices):
        CALLED_CLIENT = "called_client", _("Called the client")
        SAFETY_PLAN = "safety_plan", _("Made a safety plan with the client")
        EMERGENCY_SERVICES = "emergency_services", _("Contacted emergency services")
        SCHEDULED_SOON = "scheduled_soon", _("Scheduled a session within 24 hours")
        OTHER = "other", _("Other (see note)")

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="risk_flags")
    level = models.CharField(_("level"), max_length=10, choices=RiskLevelChoices.choices)
    # What raised it: a list of {"source", "item_key", "item_text", "answer", "why"}.
    reasons = models.JSONField(_("what raised it"), default=list)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    # The alert ladder of a same-day flag (intake.alerts), as the staff page shows it: when
    # each step went out. An urgent flag nobody acknowledges is emailed to the on-call again,
    # then to the practice admins too; each step is one message in the portal's ledger
    # (portal.models.Message), which sends it once.
    notified_at = models.DateTimeField(_("on-call notified at"), null=True, blank=True)
    realerted_at = models.DateTimeField(_("on-call alerted again at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("practice admins alerted at"), null=True, blank=True)
    # Set when a step found nobody to send to; the flag waits, visibly, for an address.
    notify_failed_at = models.DateTimeField(_("no on-call address to alert at"), null=True, blank=True)
    # How many times a later answer opened the flag again; part of each step's version in the
    # ledger, so a new round's alerts are new messages.
    alert_round = models.PositiveSmallIntegerField(_("alert round"), default=0)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up = models.CharField(_("what was done"), max_length=30, choices=FollowUp.choices, blank=True)
    acknowledgement_note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        indexes = [
            # The open same-day flags (the header's counts, a flagged draft in the queue): few
            # rows however many intakes and acknowledged flags the practice has.
            models.Index(
                fields=["intake"],
                condition=Q(
                    acknowledged_at__isnull=True, level__in=[level.value for level in SAME_DAY_LEVELS]
                ),
                name="intake_riskflag_open_same_day",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["intake", "level"], name="intake_riskflag_once_per_level"),
            models.CheckConstraint(
                condition=Q(level__in=[level.value for level in FLAG_LEVELS]),
                name="intake_riskflag_level_valid",
            ),
            models.CheckConstraint(
                condition=(Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True))
                | (Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False)),
                name="intake_riskflag_acknowledged_by_someone",
            ),
            # The ladder's steps come in order, and only an urgent flag climbs it.
            models.CheckConstraint(
                condition=Q(realerted_at__isnull=True) | Q(notified_at__isnull=False, level="urgent"),
                name="intake_riskflag_realerted_after_notified",
            ),
            models.CheckConstraint(
                condition=Q(escalated_at__isnull=True) | Q(realerted_at__isnull=False),
                name="intake_riskflag_escalated_after_realerted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} flag on intake {self.intake_id}"

    @property
    def needs_same_day_review(self) -> bool:
        return self.level in SAME_DAY_LEVELS


class InternalNote(models.Model):
    """A therapist's note on an intake. Append-only: corrections are new notes."""

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="intake_internalnote_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Note on intake {self.intake_id} by {self.author_id}"


def private_storage():
    """The storage outside any served directory (a callable keeps paths out of migrations)."""
    return storages["private"]


class SummaryDocument(models.Model):
    """A rendered PDF summary of an intake, kept in private storage.

    The staff copy carries the risk banner with acknowledgement notes and the scores; the
    client's copy has her answers without scores, flags or staff notes. At most one current document per
    intake and audience; older rows are kept (records are never hard-deleted), their files
    removed once the newer copy is stored.
    """

    class Audience(models.TextChoices):
        STAFF = "staff", _("Practice copy")
        CLIENT = "client", _("Client's copy")

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="summaries")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.STAFF)
    file = models.FileField(storage=private_storage, upload_to="summaries/%Y/%m/", max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    template_version = models.CharField(max_length=20)
    # A digest of everything rendered (answers, flags, acknowledgements, notes): the same
    # digest means the current document is still right and nothing is re-rendered.
    source_digest = models.CharField(max_length=64)
    is_current = models.BooleanField(default=True)
    rendered_at = models.DateTimeField(default=timezone.now)
    # When a newer copy replaced this one, its file (every answer in it) is removed from
    # storage; the row stays, with its digest and the audit rows, as the record it existed.
    file_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-rendered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "audience"],
                condition=Q(is_current=True),
                name="intake_summary_one_current_per_audience",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="intake_summary_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} of intake {self.intake_id} ({self.rendered_at:%Y-%m-%d %H:%M})"


class InsuranceCardImage(models.Model):
    """A photo of one side of the client's insurance card, re-encoded on upload (nothing of
    the original file is kept: no location, no camera data) and kept in private storage. One
    per side; a new photo replaces the old one, whose file is removed."""

    class Side(models.TextChoices):
        FRONT = "front", _("Front of the card")
        BACK = "back", _("Back of the card")

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="card_images")
    side = models.CharField(max_length=10, choices=Side.choices)
    file = models.FileField(storage=private_storage, upload_to="cards/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["side"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "side"], name="intake_card_image_one_per_side"),
            models.CheckConstraint(condition=Q(size__gt=0), name="intake_card_image_not_empty"),
            models.CheckConstraint(
                condition=Q(side__in=["front", "back"]), name="intake_card_image_side_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} of intake {self.intake_id}"


class BenefitsCheck(models.Model):
    """The front desk's record that it checked the client's insurance benefits: who, when and
    what they found (a billing note, never clinical). Each check is kept."""

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="benefits_checks")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("what the check found"), validators=long_text_validators())
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(note=""), name="intake_benefits_check_note")]

    def __str__(self) -> str:
        return f"Benefits checked for intake {self.intake_id}"
