"""Whether a therapist takes new clients moves to the portal (TherapistCredentials), where the
intake's disclosure can read it too; each therapist keeps her answer.

A therapist with no credentials yet gets an empty row only when she was not taking new
clients: without a row, she takes them (the field's default).
"""

from django.db import migrations


def to_portal(apps, schema_editor):
    TherapistProfile = apps.get_model("scheduling", "TherapistProfile")
    TherapistCredentials = apps.get_model("portal", "TherapistCredentials")
    for profile in TherapistProfile.objects.all():
        credentials = TherapistCredentials.objects.filter(user_id=profile.user_id).first()
        if credentials is not None:
            credentials.taking_new_clients = profile.taking_new_clients
            credentials.save(update_fields=["taking_new_clients"])
        elif not profile.taking_new_clients:
            TherapistCredentials.objects.create(user_id=profile.user_id, taking_new_clients=False)


def to_scheduling(apps, schema_editor):
    TherapistProfile = apps.get_model("scheduling", "TherapistProfile")
    TherapistCredentials = apps.get_model("portal", "TherapistCredentials")
    closed = TherapistCredentials.objects.filter(taking_new_clients=False).values_list("user_id", flat=True)
    TherapistProfile.objects.filter(user_id__in=list(closed)).update(taking_new_clients=False)


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0008_notifications_to_portal_messages"),
        ("portal", "0011_practice_late_fee_therapist_taking_new_clients"),
    ]

    operations = [
        migrations.RunPython(to_portal, to_scheduling),
        migrations.RemoveField(model_name="therapistprofile", name="taking_new_clients"),
    ]
