"""On PostgreSQL, name-contains search (icontains) at 100k students needs a trigram index.
SQLite has no such index type; the migration does nothing there."""

from django.db import migrations


def create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS student_name_trgm ON students_student USING gin (UPPER(name) gin_trgm_ops)"
    )


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS student_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("students", "0002_advisorassignment_assessment_historicallead_and_more")]

    operations = [migrations.RunPython(create, drop)]
