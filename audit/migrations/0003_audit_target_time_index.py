from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_audit_hash_chain"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["target_type", "target_id", "occurred_at"], name="audit_target_time"),
        ),
    ]
