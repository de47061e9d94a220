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


def session_types_seed(session_type_model) -> None:
    """Create each session type that is missing (safe to run again). Takes the model class so
    a migration can pass its historical model."""
    for slug, name, minutes, fee in SESSION_TYPES:
        # get_or_create: never overwrite fees an admin has already changed.
        session_type_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "duration_minutes": minutes, "self_pay_fee": fee}
        )
