"""Two agreements join the set (communications; cancellation and missed sessions), and each
version keeps the practice's details it names as they were when it was published.

The current versions keep what they read now: the practice's details as they are. Clients who
signed the earlier set are asked for the two new ones at their next visit.
"""

import re

from django.db import migrations, models

from intake.reference_data import consent_documents_seed

DETAIL = re.compile(r"\{([A-Za-z0-9_]*)\}")


def _fee(amount) -> str:
    return f"${amount:,.2f}" if amount else "$0 (no fee is charged)"


def freeze_and_seed(apps, schema_editor):
    Practice = apps.get_model("portal", "Practice")
    ConsentDocument = apps.get_model("intake", "ConsentDocument")
    practice = Practice.objects.order_by("pk").first()
    if practice is not None and practice.address_line1:
        address = ", ".join(
            part
            for part in (
                practice.address_line1,
                practice.address_line2,
                f"{practice.city}, {practice.state} {practice.postal_code}",
            )
            if part
        )
        values = {
            "practice_name": practice.name,
            "practice_address": address,
            "practice_phone": practice.phone,
            "practice_email": practice.email,
            "regulator_contact": practice.regulator_contact,
            "cancellation_notice_hours": str(practice.cancellation_notice_hours),
            "late_cancellation_fee": _fee(practice.late_cancellation_fee),
        }
        for document in ConsentDocument.objects.filter(is_current=True):
            document.details = {
                name: values[name] for name in dict.fromkeys(DETAIL.findall(document.body)) if name in values
            }
            document.save(update_fields=["details"])
    consent_documents_seed(ConsentDocument)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0019_drafts_move_to_agreements_after_payment"),
        ("portal", "0011_practice_late_fee_therapist_taking_new_clients"),
    ]

    operations = [
        migrations.AddField(
            model_name="consentdocument",
            name="details",
            field=models.JSONField(blank=True, default=dict, verbose_name="details filled in"),
        ),
        migrations.AlterField(
            model_name="consentdocument",
            name="kind",
            field=models.CharField(
                choices=[
                    ("informed_consent", "Consent to therapy"),
                    ("co_mandatory_disclosure", "Colorado mandatory disclosure"),
                    ("telehealth", "Consent to telehealth"),
                    ("privacy_notice", "Notice of privacy practices"),
                    ("communications", "Consent to email, text and voicemail"),
                    ("cancellation_policy", "Cancellation and missed session policy"),
                ],
                max_length=30,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(freeze_and_seed, migrations.RunPython.noop),
    ]
