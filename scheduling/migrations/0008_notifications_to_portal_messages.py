"""Scheduling's messages move to the portal's one message ledger (portal.Message): every
Notification row is copied with its id (so audit rows naming "notification <id>" and the
Message-IDs already sent stay true), then the table goes."""

from django.core.management.color import no_style
from django.db import migrations

FIELDS = (
    "id",
    "key",
    "kind",
    "channel",
    "client_id",
    "version",
    "status",
    "attempts",
    "last_error",
    "skipped_reason",
    "sent_at",
    "claimed_at",
    "created_at",
)


def _types(apps):
    content_type = apps.get_model("contenttypes", "ContentType")
    appointment, _ = content_type.objects.get_or_create(app_label="scheduling", model="appointment")
    request, _ = content_type.objects.get_or_create(app_label="scheduling", model="appointmentrequest")
    return appointment, request


def _reset_sequence(schema_editor, model) -> None:
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def notifications_to_messages(apps, schema_editor):
    notification = apps.get_model("scheduling", "Notification")
    message = apps.get_model("portal", "Message")
    if not notification.objects.exists():
        return
    appointment_type, request_type = _types(apps)
    message.objects.bulk_create(
        [
            message(
                **{name: getattr(row, name) for name in FIELDS},
                subject_type=appointment_type if row.appointment_id else request_type,
                subject_id=row.appointment_id or row.appointment_request_id,
            )
            for row in notification.objects.order_by("pk").iterator()
        ],
        batch_size=500,
    )
    _reset_sequence(schema_editor, message)


def messages_to_notifications(apps, schema_editor):
    notification = apps.get_model("scheduling", "Notification")
    message = apps.get_model("portal", "Message")
    appointment_type, request_type = _types(apps)
    rows = message.objects.filter(subject_type__in=(appointment_type, request_type)).order_by("pk")
    notification.objects.bulk_create(
        [
            notification(
                **{name: getattr(row, name) for name in FIELDS},
                appointment_id=row.subject_id if row.subject_type_id == appointment_type.pk else None,
                appointment_request_id=row.subject_id if row.subject_type_id == request_type.pk else None,
            )
            for row in rows.iterator()
        ],
        batch_size=500,
    )
    rows.delete()
    _reset_sequence(schema_editor, notification)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0009_message"),
        ("scheduling", "0007_notification_claim"),
    ]

    operations = [
        migrations.RunPython(notifications_to_messages, messages_to_notifications),
        migrations.DeleteModel(name="Notification"),
    ]
