"""Version-2 events: a salted commitment to the payload (detail, ip, user agent) in the hash, and the
one change the append-only trigger now lets through, the erasure of such a payload.

See docs/decisions/0004-audit-erasure.md. Existing events stay version 1 (their hash covers their
payload, so they are never erased). The trigger compares every other column of the row before
and after (``to_jsonb(NEW) - ... = to_jsonb(OLD) - ...`` on PostgreSQL, so a column added later is
covered too; column by column on SQLite, listed from the model as this migration sees it).
"""

from django.db import migrations, models

ERASABLE = ["detail", "ip", "user_agent", "payload_salt", "erased_at"]
ERASED_DETAIL = '{"erased": true}'

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The one change allowed: erasing a version-2 event's payload (audit.services.audit_erase).
    IF TG_OP = 'UPDATE' THEN
        IF OLD.hash_version >= 2 AND OLD.payload_salt <> '' AND OLD.erased_at IS NULL
            AND NEW.payload_salt = '' AND NEW.detail = '{"erased": true}'::jsonb
            AND NEW.ip IS NULL AND NEW.user_agent = '' AND NEW.erased_at IS NOT NULL
            AND to_jsonb(NEW) - ARRAY['detail', 'ip', 'user_agent', 'payload_salt', 'erased_at']
                = to_jsonb(OLD) - ARRAY['detail', 'ip', 'user_agent', 'payload_salt', 'erased_at']
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
"""

POSTGRES_REVERSE = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
"""

SQLITE_REFUSE_ALL = """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE refused'); END"""


def _sqlite_erasure_trigger(apps):
    model = apps.get_model("audit", "AuditEvent")
    unchanged = " AND ".join(
        f'NEW."{field.column}" IS OLD."{field.column}"'
        for field in model._meta.concrete_fields
        if field.column not in ERASABLE
    )
    return f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    WHEN NOT (OLD.hash_version >= 2 AND OLD.payload_salt <> '' AND OLD.erased_at IS NULL
        AND NEW.payload_salt = '' AND NEW.detail = '{ERASED_DETAIL}'
        AND NEW.ip IS NULL AND NEW.user_agent = '' AND NEW.erased_at IS NOT NULL
        AND {unchanged})
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE refused'); END"""


def drop_sqlite_update_trigger(apps, schema_editor):
    # SQLite rebuilds the table to add the columns; the new trigger is created after that.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update", params=None)


def allow_erasure(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update", params=None)
        schema_editor.execute(_sqlite_erasure_trigger(apps), params=None)
        _recreate_sqlite_delete_trigger(schema_editor)


def refuse_all(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_update", params=None)
        schema_editor.execute(SQLITE_REFUSE_ALL, params=None)
        _recreate_sqlite_delete_trigger(schema_editor)


def _recreate_sqlite_delete_trigger(schema_editor):
    # A table rebuild drops every trigger of the old table; the DELETE trigger of 0003 comes back.
    schema_editor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete", params=None)
    schema_editor.execute(
        """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE refused'); END""",
        params=None,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_audit_target_time_index"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_update_trigger, migrations.RunPython.noop, elidable=False),
        migrations.AddField(
            model_name="auditevent",
            name="erased_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="personal detail erased at"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="hash version"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="payload_digest",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="payload digest"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="payload_salt",
            field=models.CharField(blank=True, default="", max_length=32, verbose_name="payload salt"),
        ),
        migrations.RunPython(allow_erasure, refuse_all, elidable=False),
    ]
