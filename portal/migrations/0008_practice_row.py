"""The practice row always exists: pages, emails and rules read its settings, and an empty row
(filled in in practice administration) is better than two dozen places guessing defaults."""

from django.db import migrations

from portal.reference_data import practice_ensure


def forward(apps, schema_editor):
    practice_ensure(apps.get_model("portal", "Practice"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_audit_no_truncate")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
