"""On PostgreSQL, make internal notes append-only in the database itself (as the audit
table is): a correction is a new note, and neither a bug nor a stray shell UPDATE can
rewrite or remove what a therapist wrote."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION intake_internalnote_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'internal notes are append-only: add a new note instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER intake_internalnote_no_update_delete
    BEFORE UPDATE OR DELETE ON intake_internalnote
    FOR EACH ROW EXECUTE FUNCTION intake_internalnote_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS intake_internalnote_no_update_delete ON intake_internalnote;
DROP FUNCTION IF EXISTS intake_internalnote_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("intake", "0004_review_and_summaries")]

    operations = [migrations.RunPython(forward, backward)]
