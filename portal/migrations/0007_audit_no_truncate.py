"""On PostgreSQL the append-only guard also refuses TRUNCATE, which skips row triggers: a
`manage.py flush` or a stray TRUNCATE against production would otherwise empty the trail.

The test suite empties its own throwaway database between tests with TRUNCATE; it connects
with `portal.audit_truncate_allowed=on` (portal/settings/test.py), which no other settings
module sets. Like the row trigger, this stops accidents and bugs, not the database's owner.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION portal_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('portal.audit_truncate_allowed', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: TRUNCATE is refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_auditevent_no_truncate
    BEFORE TRUNCATE ON portal_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION portal_auditevent_no_truncate();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS portal_auditevent_no_truncate ON portal_auditevent;
DROP FUNCTION IF EXISTS portal_auditevent_no_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_auditevent_sign_in_pause")]

    operations = [migrations.RunPython(forward, backward)]
