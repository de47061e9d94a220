"""Rows the portal cannot run without, created by an idempotent function that the migration
and, after a test empties the database, the portal itself both call."""


def practice_ensure(practice_model):
    """The practice row, created empty (to be filled in in practice administration) if there
    is none. Takes the model class so a migration can pass its historical model."""
    practice = practice_model.objects.order_by("pk").first()
    if practice is None:
        practice = practice_model.objects.create()
    return practice
