"""Drafts that were on the agreements (step 9) stay on the agreements, now step 10, after the
payment step came in before them. Moving back lowers them to 9 again (the payment step's
drafts with them: that step did not exist before)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Intake = apps.get_model("intake", "Intake")
    Intake.objects.filter(status="draft", current_step=9).update(current_step=10)


def backwards(apps, schema_editor):
    Intake = apps.get_model("intake", "Intake")
    Intake.objects.filter(status="draft", current_step=10).update(current_step=9)


class Migration(migrations.Migration):
    dependencies = [("intake", "0018_payment_and_referral")]

    operations = [migrations.RunPython(forwards, backwards)]
