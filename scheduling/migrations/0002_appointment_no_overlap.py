"""No two appointments of one therapist may overlap: an exclusion constraint on PostgreSQL.

Why a vendor-guarded RunPython rather than ExclusionConstraint in Appointment.Meta: the suite
and local development also run on SQLite. A constraint in Meta is part of the model state, so
its PostgreSQL-only DDL (EXCLUDE USING gist, tstzrange) would be emitted on SQLite when the
table is created and again on every later SQLite table rebuild, Django's system check would
demand django.contrib.postgres in INSTALLED_APPS, and full_clean() would run its validation
query (PostgreSQL operators) on SQLite. Kept out of the model state, it exists only where it
can: BtreeGistExtension already does nothing on other databases, and so does add_no_overlap.
On SQLite, scheduling.appointment_services.appointment_book serialises bookings and re-checks overlap
with the same rule. A later migration that changes the statuses that hold time
(Appointment.HOLDS_TIME) must drop and re-create this constraint.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "scheduling_appointment_no_overlap"

# '[)': an appointment ending at 10:00 and the next starting at 10:00 do not overlap.
# btree_gist lets the plain equality on therapist_id share the GiST index with the range.
ADD_SQL = f"""
ALTER TABLE scheduling_appointment ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (therapist_id WITH =, tstzrange("start", "end", '[)') WITH &&)
    WHERE (status IN ('booked', 'completed'))
"""
DROP_SQL = f"ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT}"


def add_no_overlap(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD_SQL)


def drop_no_overlap(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_no_overlap, drop_no_overlap, elidable=False),
    ]
