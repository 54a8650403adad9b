import datetime
import hashlib
import json

from django.db import migrations, models


def _hash(payload):
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def fill_chains(apps, schema_editor):
    """Chain existing events in id order; events already chained are left alone (safe to re-run)."""
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    for event in AuditEvent.objects.filter(seq__isnull=True).order_by("id").iterator(chunk_size=2000):
        chain = f"school:{event.school_id}" if event.school_id is not None else "bureau"
        head = heads.get(chain) or AuditChainHead(chain=chain, seq=0, hash="")
        heads[chain] = head
        event.chain = chain
        event.seq = head.seq + 1
        event.prev_hash = head.hash
        event.hash = _hash(
            {
                "chain": chain,
                "seq": event.seq,
                "occurred_at": event.occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
                "actor_id": event.actor_id,
                "actor_label": event.actor_label,
                "action": event.action,
                "target_type": event.target_type,
                "target_id": event.target_id,
                "case_id": event.case_id,
                "school_id": event.school_id,
                "detail": event.detail,
                "ip": event.ip,
                "user_agent": event.user_agent,
                "prev_hash": event.prev_hash,
            }
        )
        event.save(update_fields=["chain", "seq", "prev_hash", "hash"])
        head.seq, head.hash = event.seq, event.hash
    for head in heads.values():
        head.save()


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("chain", models.CharField(max_length=32, primary_key=True, serialize=False, verbose_name="chain")),
                ("seq", models.PositiveBigIntegerField(default=0, verbose_name="position in chain")),
                ("hash", models.CharField(blank=True, max_length=64, verbose_name="hash")),
            ],
            options={
                "verbose_name": "audit chain head",
                "verbose_name_plural": "audit chain heads",
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(default="", max_length=32, verbose_name="chain"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, verbose_name="position in chain"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="previous hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="hash"),
        ),
        migrations.RunPython(fill_chains, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(verbose_name="position in chain"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="audit_chain_seq_unique"),
        ),
    ]
