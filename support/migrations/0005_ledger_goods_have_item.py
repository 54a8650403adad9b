"""Every goods line of the ledger names its item (after 0004 linked the older rows)."""

from django.db import migrations, models

# SQLite adds a CHECK by rebuilding the table, which drops its triggers: put them back.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS support_ledger_no_update BEFORE UPDATE ON support_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'support_ledgerentry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS support_ledger_no_delete BEFORE DELETE ON support_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'support_ledgerentry is append-only: DELETE refused'); END""",
]


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("support", "0004_link_goods_to_items"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="ledgerentry",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("goods", ""), ("item__isnull", True)), models.Q(models.Q(("goods", ""), _negated=True), ("item__isnull", False)), _connector="OR"),
                name="ledger_goods_have_item",
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop, elidable=False),
    ]
