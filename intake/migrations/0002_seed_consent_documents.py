"""The first version of each agreement (intake.reference_data)."""

from django.db import migrations

from intake.reference_data import consent_documents_seed


def seed(apps, schema_editor):
    consent_documents_seed(apps.get_model("intake", "ConsentDocument"))


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
