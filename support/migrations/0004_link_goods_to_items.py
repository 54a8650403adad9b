"""Give every existing goods line an item of its school and compute each item's stock.

Items are keyed by the normalised name (NFKC, spaces collapsed, case folded), the same rule as
``support.models.goods_key``, copied here because migrations do not import app code. Linking the
ledger's rows is the one UPDATE the append-only table ever takes: the trigger is switched off
for this statement only, inside the migration's transaction, and switched on again before it
commits. Only the new ``item_id`` column is written; no amount, quantity or text changes.

A history that gave out more than it received (nothing stopped it before) starts at stock 0:
the CHECK allows nothing lower, and the stock page shows the ledger's own sums beside it.
Safe to re-run: rows that already have an item are left alone.
"""

import unicodedata

from django.db import migrations

SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS support_ledger_no_update BEFORE UPDATE ON support_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'support_ledgerentry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS support_ledger_no_delete BEFORE DELETE ON support_ledgerentry
    BEGIN SELECT RAISE(ABORT, 'support_ledgerentry is append-only: DELETE refused'); END""",
]


def goods_key(name):
    return " ".join(unicodedata.normalize("NFKC", name or "").split()).casefold()


def link(apps, schema_editor):
    GoodsItem = apps.get_model("support", "GoodsItem")
    LedgerEntry = apps.get_model("support", "LedgerEntry")
    DisbursementRequest = apps.get_model("support", "DisbursementRequest")
    entries = list(
        LedgerEntry.objects.exclude(goods="").order_by("id").values(
            "id", "school_id", "kind", "goods", "quantity", "reverses_id", "item_id"
        )
    )
    requests = list(
        DisbursementRequest.objects.exclude(goods="").filter(item__isnull=True).values("id", "school_id", "goods")
    )
    items = {(i.school_id, i.key): i for i in GoodsItem.objects.all()}
    for row in [*entries, *requests]:
        key = (row["school_id"], goods_key(row["goods"]))
        if key[1] and key not in items:
            items[key] = GoodsItem.objects.create(school_id=key[0], key=key[1], name=row["goods"].strip())
    # Signed stock effect of each entry: donations in, disbursements out, reversals undo.
    effect = {}
    stock = {}
    for row in entries:
        quantity = row["quantity"] or 0
        if row["kind"] == "donation":
            effect[row["id"]] = quantity
        elif row["kind"] == "disbursement":
            effect[row["id"]] = -quantity
        else:
            effect[row["id"]] = -effect.get(row["reverses_id"], 0)
        key = (row["school_id"], goods_key(row["goods"]))
        stock[key] = stock.get(key, 0) + effect[row["id"]]
    unlinked = [row for row in entries if row["item_id"] is None]
    if unlinked:
        _with_ledger_writable(schema_editor, lambda: _link_entries(LedgerEntry, unlinked, items))
    for row in requests:
        DisbursementRequest.objects.filter(pk=row["id"]).update(
            item=items[(row["school_id"], goods_key(row["goods"]))]
        )
    if unlinked:
        for key, item in items.items():
            GoodsItem.objects.filter(pk=item.pk).update(stock=max(0, stock.get(key, 0)))


def _link_entries(LedgerEntry, rows, items):
    for row in rows:
        item = items[(row["school_id"], goods_key(row["goods"]))]
        LedgerEntry.objects.filter(pk=row["id"]).update(item_id=item.pk)


def _with_ledger_writable(schema_editor, write):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # Deferred FK checks left pending would forbid the ALTER TABLE that re-enables the trigger.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("ALTER TABLE support_ledgerentry DISABLE TRIGGER support_ledger_append_only")
        write()
        schema_editor.execute("ALTER TABLE support_ledgerentry ENABLE TRIGGER support_ledger_append_only")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS support_ledger_no_update")
        write()
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement, params=None)
    else:
        write()


class Migration(migrations.Migration):

    dependencies = [
        ("support", "0003_goods_items"),
    ]

    operations = [
        migrations.RunPython(link, migrations.RunPython.noop, elidable=False),
    ]
