"""The one change the ledger's append-only trigger now lets through: the retention run replacing an
entry's purpose or reason (free text that may name a pupil) by the anonymisation marker.

Amounts, goods, dates, the case, who recorded and who approved stay as posted, so every balance and
stock is unchanged (docs/retention.md). The marker is privacy.anonymise.ANONYMISED, written out
here because a migration does not import app code. Every other column must be unchanged:
``to_jsonb(NEW) - ... = to_jsonb(OLD) - ...`` on PostgreSQL (a column added later is covered too),
column by column on SQLite.
"""

from django.db import migrations

MARKER = "[已匿名]"
TEXT = ["purpose", "reason"]

POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION support_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The one change allowed: purpose or reason anonymised by the retention run.
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.purpose = OLD.purpose OR NEW.purpose = '{MARKER}')
            AND (NEW.reason = OLD.reason OR NEW.reason = '{MARKER}')
            AND (NEW.purpose <> OLD.purpose OR NEW.reason <> OLD.reason)
            AND to_jsonb(NEW) - ARRAY['purpose', 'reason'] = to_jsonb(OLD) - ARRAY['purpose', 'reason']
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'support_ledgerentry is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
"""

POSTGRES_REVERSE = """
CREATE OR REPLACE FUNCTION support_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'support_ledgerentry is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
"""

SQLITE_REFUSE_ALL = """CREATE TRIGGER support_ledger_no_update BEFORE UPDATE ON support_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'support_ledgerentry is append-only: UPDATE refused'); END"""


def _sqlite_trigger(apps):
    model = apps.get_model("support", "LedgerEntry")
    unchanged = " AND ".join(
        f'NEW."{field.column}" IS OLD."{field.column}"'
        for field in model._meta.concrete_fields
        if field.column not in TEXT
    )
    return f"""CREATE TRIGGER support_ledger_no_update BEFORE UPDATE ON support_ledgerentry
    WHEN NOT ((NEW.purpose = OLD.purpose OR NEW.purpose = '{MARKER}')
        AND (NEW.reason = OLD.reason OR NEW.reason = '{MARKER}')
        AND (NEW.purpose <> OLD.purpose OR NEW.reason <> OLD.reason)
        AND {unchanged})
    BEGIN SELECT RAISE(ABORT, 'support_ledgerentry is append-only: UPDATE refused'); END"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS support_ledger_no_update", params=None)
        schema_editor.execute(_sqlite_trigger(apps), params=None)


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS support_ledger_no_update", params=None)
        schema_editor.execute(SQLITE_REFUSE_ALL, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("support", "0007_reversal_needs_approver"),
    ]

    operations = [
        migrations.RunPython(forward, reverse, elidable=False),
    ]
