"""No double booking, enforced by PostgreSQL itself: exclusion constraints over the
half-open interval [starts_at, ends_at) of scheduled rows (back-to-back lessons touch but
do not overlap). The services check the same under lock and give the friendly message;
these constraints make sure no race slips one in. SQLite has no exclusion constraints, so
there the operation does nothing and the service check is the only guard."""

from django.db import migrations

EXCLUSIONS = [
    ("scheduling_lesson", "lesson_no_teacher_overlap", "teacher_id", "status = 'scheduled'"),
    ("scheduling_lesson", "lesson_no_student_overlap", "student_id", "status = 'scheduled'"),
    ("scheduling_lesson", "lesson_no_room_overlap", "room_id", "status = 'scheduled' AND room_id IS NOT NULL"),
    ("scheduling_groupsession", "groupsession_no_teacher_overlap", "teacher_id", "status = 'scheduled'"),
    (
        "scheduling_groupsession",
        "groupsession_no_room_overlap",
        "room_id",
        "status = 'scheduled' AND room_id IS NOT NULL",
    ),
]


def add_exclusions(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for table, name, column, where in EXCLUSIONS:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE ({where})"
        )


def drop_exclusions(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _column, _where in EXCLUSIONS:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0004_timetable")]

    operations = [migrations.RunPython(add_exclusions, drop_exclusions)]
