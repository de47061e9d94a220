import factory
from allauth.account.models import EmailAddress

from portal.models import Practice, User
from portal.reference_data import practice_ensure
from portal.services import user_mfa_activate_totp

DEFAULT_PASSWORD = "a-Long-test-passphrase-41"


class PracticeFactory(factory.django.DjangoModelFactory):
    """Fills in the practice's one row (portal 0008 creates it empty)."""

    class Meta:
        model = Practice

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        practice = practice_ensure(model_class)
        for name, value in kwargs.items():
            setattr(practice, name, value)
        practice.save()
        return practice

    name = "Sitting in Sisterhood"
    address_line1 = "1600 Ogden Street, Suite 200"
    city = "Denver"
    state = "CO"
    postal_code = "80218"
    phone = "(303) 555-0142"
    email = "care@practice.example"
    on_call_emails = "oncall@practice.example\nsecond-oncall@practice.example"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    role = User.Role.CLIENT

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    """A staff member with an authenticator app already set up (unless mfa=False)."""

    role = User.Role.THERAPIST
    is_staff = factory.LazyAttribute(lambda o: o.role == User.Role.PRACTICE_ADMIN)
    is_superuser = factory.LazyAttribute(lambda o: o.role == User.Role.PRACTICE_ADMIN)

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if create and extracted is not False:
            user_mfa_activate_totp(user=self, secret=TOTP_SECRET)


TOTP_SECRET = "JBSWY3DPEHPK3PXPTESTSECRET234567"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The authenticator app's current code for `secret`, for a test to type in.

    allauth accepts only the current period's code, so a code about to expire (while the
    page is checked or the form is in flight) is not handed out: wait for the next period.
    """
    import time

    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 5:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
