"""Each session type's service (CPT) code, filled for the seeded ones
(scheduling.reference_data.SERVICE_CODES)."""

from django.db import migrations, models

import scheduling.models
from scheduling.reference_data import service_codes_fill


def fill(apps, schema_editor):
    service_codes_fill(apps.get_model("scheduling", "SessionType"))


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0010_good_faith_estimates"),
    ]

    operations = [
        migrations.AddField(
            model_name="sessiontype",
            name="service_code",
            field=models.CharField(
                default="",
                help_text="Five characters, for example 90837 for psychotherapy of 53 minutes or more.",
                max_length=5,
                validators=[scheduling.models.service_code_validator],
                verbose_name="service code (CPT)",
            ),
            preserve_default=False,
        ),
        # Reversed, the column goes with its codes: nothing else to undo.
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
