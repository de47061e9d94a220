"""The practice's three session types. Fees are self-pay rates typical for Denver in 2026;
the practice admin edits them in Django admin."""

from decimal import Decimal

from django.db import migrations

SESSION_TYPES = [
    # slug, name, minutes, self-pay fee (USD)
    ("initial-consultation", "Initial consultation", 50, Decimal("175.00")),
    ("individual", "Individual therapy", 53, Decimal("160.00")),
    ("couples", "Couples therapy", 60, Decimal("190.00")),
]


def seed(apps, schema_editor):
    SessionType = apps.get_model("scheduling", "SessionType")
    for slug, name, minutes, fee in SESSION_TYPES:
        # get_or_create: never overwrite fees an admin has already changed.
        SessionType.objects.get_or_create(
            slug=slug, defaults={"name": name, "duration_minutes": minutes, "self_pay_fee": fee}
        )


def unseed(apps, schema_editor):
    SessionType = apps.get_model("scheduling", "SessionType")
    SessionType.objects.filter(slug__in=[slug for slug, *_ in SESSION_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0002_appointment_no_overlap"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
