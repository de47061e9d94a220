"""Rebuild the queue's order index: ELEVATED now sorts between HIGH and ROUTINE.

The index is an expression (ReviewQueueRank) whose SQL changed while its deconstructed form
did not, so the autodetector cannot see it; dropping and adding it under the same name
rebuilds it with the new expression.
"""

from django.db import migrations, models

import intake.models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0007_pregnancy_outcome_prefer_not_to_say"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="intake", name="intake_review_queue_order"),
        migrations.AddIndex(
            model_name="intake",
            index=models.Index(
                intake.models.ReviewQueueRank(),
                models.F("submitted_at"),
                models.F("created_at"),
                models.F("id"),
                name="intake_review_queue_order",
            ),
        ),
    ]
