"""On PostgreSQL the append-only guard also refuses TRUNCATE, which skips row triggers: a
`manage.py flush` or a stray TRUNCATE against production would otherwise empty the trail.

The test suite empties its own throwaway database between tests with TRUNCATE: allowed only
in a database named test_... (the name Django gives a test database) and only for a session
that says `portal.audit_truncate_allowed=on` (portal/settings/test.py), so the test settings
pointed at a real database by mistake cannot empty its trail either. Like the row trigger,
this stops accidents and bugs, not someone holding the database owner's credentials.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION portal_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('portal.audit_truncate_allowed', true) = 'on'
        AND left(current_database(), 5) = 'test_' THEN
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
