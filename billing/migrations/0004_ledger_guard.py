"""The lesson ledger's rules in PostgreSQL itself, so that no path around the services (a
psql session, a script, a bug) can rewrite the audit of lessons:
- a ledger row is never UPDATEd nor DELETEd (a correction is a new `reversal` row);
- an INSERTed row's balance_after is the package's previous balance (its row of highest id,
  the order `ledger_mismatches` reads; 0 for the first) plus its lessons, and its id comes
  after that row's.
Row triggers, so TRUNCATE (the test database's flush) is not refused. On other databases
this migration only moves `created_by` to PROTECT; SQLite keeps the model's Python guard."""

import django.db.models.deletion
from django.db import migrations, models

CREATE = """
CREATE FUNCTION billing_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only; write a reversal instead (% of entry %)', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER billing_ledger_append_only
    BEFORE UPDATE OR DELETE ON billing_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION billing_ledger_append_only();

CREATE FUNCTION billing_ledger_balance_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous_id bigint;
    previous_balance integer := 0;
BEGIN
    -- The services already hold this row lock (package_deduct & co. lock the package
    -- before they read its balance); taken here too, a writer that bypasses them waits
    -- for the one in progress. Each statement of this (volatile) function reads a fresh
    -- snapshot under READ COMMITTED, so the query below sees the row that writer committed.
    PERFORM 1 FROM billing_lessonpackage WHERE id = NEW.package_id FOR UPDATE;
    SELECT id, balance_after INTO previous_id, previous_balance
        FROM billing_ledgerentry WHERE package_id = NEW.package_id ORDER BY id DESC LIMIT 1;
    IF NOT FOUND THEN
        previous_balance := 0;
    ELSIF NEW.id <= previous_id THEN
        RAISE EXCEPTION 'ledger entry % of package % comes before its last entry %', NEW.id, NEW.package_id, previous_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.balance_after IS DISTINCT FROM previous_balance + NEW.lessons THEN
        RAISE EXCEPTION 'ledger of package %: balance_after % is not the previous balance % plus lessons %',
            NEW.package_id, NEW.balance_after, previous_balance, NEW.lessons
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER billing_ledger_balance_chain
    BEFORE INSERT ON billing_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION billing_ledger_balance_chain();
"""

DROP = """
DROP TRIGGER IF EXISTS billing_ledger_balance_chain ON billing_ledgerentry;
DROP FUNCTION IF EXISTS billing_ledger_balance_chain();
DROP TRIGGER IF EXISTS billing_ledger_append_only ON billing_ledgerentry;
DROP FUNCTION IF EXISTS billing_ledger_append_only();
"""


def create_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # params=None: the SQL is sent as is, its % are PL/pgSQL's, not placeholders
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0003_goodsitem_historicalgoodsitem_payment_receiptcounter_and_more"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ledgerentry",
            name="created_by",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.staff"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
