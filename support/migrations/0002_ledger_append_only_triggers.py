"""Make support_ledgerentry append-only in the database, like audit_auditevent (plain SQL, no bypass)."""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE FUNCTION support_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'support_ledgerentry is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER support_ledger_append_only
    BEFORE UPDATE OR DELETE ON support_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION support_ledger_refuse_change();
CREATE TRIGGER support_ledger_no_truncate
    BEFORE TRUNCATE ON support_ledgerentry
    FOR EACH STATEMENT EXECUTE FUNCTION support_ledger_refuse_change();
"""

POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS support_ledger_no_truncate ON support_ledgerentry;
DROP TRIGGER IF EXISTS support_ledger_append_only ON support_ledgerentry;
DROP FUNCTION IF EXISTS support_ledger_refuse_change();
"""

SQLITE_FORWARD = [
    """CREATE TRIGGER support_ledger_no_update BEFORE UPDATE ON support_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'support_ledgerentry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER support_ledger_no_delete BEFORE DELETE ON support_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'support_ledgerentry is append-only: DELETE refused'); END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS support_ledger_no_update",
    "DROP TRIGGER IF EXISTS support_ledger_no_delete",
]


def forward(apps, schema_editor):
    _run(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


def reverse(apps, schema_editor):
    _run(schema_editor, POSTGRES_REVERSE, SQLITE_REVERSE)


def _run(schema_editor, postgres, sqlite):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres, params=None)  # None: the "%" in RAISE is not a placeholder
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("support", "0001_ledger"),
    ]

    operations = [
        migrations.RunPython(forward, reverse, elidable=False),
    ]
