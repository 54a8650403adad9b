"""From now on a reversal posts only with a second person's approval: the database refuses a new
`reversal` entry without `approved_by` (and `ledger_four_eyes` already refuses approved_by =
recorded_by). A trigger on INSERT rather than a CHECK, so that the reversals posted before this
rule (by the custodian alone, approved_by empty) stay as they were: the ledger is append-only.

SQLite drops a table's triggers when a migration rebuilds it (see 0005): a later migration that
alters support_ledgerentry on SQLite must create this trigger again.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE FUNCTION support_ledger_reversal_needs_approver() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'reversal' AND NEW.approved_by_id IS NULL THEN
        RAISE EXCEPTION 'support_ledgerentry: a reversal needs a second person (approved_by)'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER support_ledger_reversal_approved
    BEFORE INSERT ON support_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION support_ledger_reversal_needs_approver();
"""

POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS support_ledger_reversal_approved ON support_ledgerentry;
DROP FUNCTION IF EXISTS support_ledger_reversal_needs_approver();
"""

SQLITE_FORWARD = [
    """CREATE TRIGGER support_ledger_reversal_approved BEFORE INSERT ON support_ledgerentry
    WHEN NEW.kind = 'reversal' AND NEW.approved_by_id IS NULL
    BEGIN SELECT RAISE(ABORT, 'support_ledgerentry: a reversal needs a second person (approved_by)'); END""",
]

SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS support_ledger_reversal_approved"]


def forward(apps, schema_editor):
    _run(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


def reverse(apps, schema_editor):
    _run(schema_editor, POSTGRES_REVERSE, SQLITE_REVERSE)


def _run(schema_editor, postgres, sqlite):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres, params=None)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("support", "0006_reversal_requests"),
    ]

    operations = [
        migrations.RunPython(forward, reverse, elidable=False),
    ]
