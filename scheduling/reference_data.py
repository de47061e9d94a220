"""The session types a new practice starts with. Fees are self-pay rates typical for Denver in
2026; the practice admin edits them in Django admin.

Imported by a data migration, so this module imports no models: it is given the model (the
migration's historical one, or the current one) and uses only fields that existed when the
migration was written.
"""

from decimal import Decimal

SESSION_TYPES = [
    # slug, name, minutes, self-pay fee (USD)
    ("initial-consultation", "Initial consultation", 50, Decimal("175.00")),
    ("individual", "Individual therapy", 53, Decimal("160.00")),
    ("couples", "Couples therapy", 60, Decimal("190.00")),
]

# The CPT code each seeded session type is billed under, printed on the Good Faith Estimate:
# the diagnostic first session; psychotherapy of 53 minutes or more; family or couples therapy
# with the client present. Apart from SESSION_TYPES because the code came later (its own
# migration fills it).
SERVICE_CODES = {
    "initial-consultation": "90791",
    "individual": "90837",
    "couples": "90847",
}


def session_types_seed(session_type_model) -> None:
    """Create each session type that is missing (safe to run again). Takes the model class so
    a migration can pass its historical model."""
    for slug, name, minutes, fee in SESSION_TYPES:
        # get_or_create: never overwrite fees an admin has already changed.
        session_type_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "duration_minutes": minutes, "self_pay_fee": fee}
        )


def service_codes_fill(session_type_model) -> None:
    """Give each seeded session type its service code where it has none (an admin's own code
    is kept). Takes the model class so a migration can pass its historical model."""
    for slug, code in SERVICE_CODES.items():
        session_type_model.objects.filter(slug=slug, service_code="").update(service_code=code)
