"""The practice's three session types (scheduling.reference_data)."""

from django.db import migrations

from scheduling.reference_data import SESSION_TYPES, session_types_seed


def seed(apps, schema_editor):
    session_types_seed(apps.get_model("scheduling", "SessionType"))


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
