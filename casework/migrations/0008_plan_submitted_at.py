from django.db import migrations, models
from django.db.models import OuterRef, Subquery

# States a case reaches only after its latest plan version was submitted.
AFTER_SUBMISSION = ("awaiting_approval", "intervention", "home_visit", "review", "closed")


def mark_submitted(apps, schema_editor):
    """The latest plan of a case past planning was the one submitted (safe to re-run)."""
    SupportPlan = apps.get_model("casework", "SupportPlan")
    latest = SupportPlan.objects.filter(case_id=OuterRef("case_id")).order_by("-version").values("pk")[:1]
    SupportPlan.objects.filter(
        submitted_at__isnull=True, case__state__in=AFTER_SUBMISSION, pk=Subquery(latest)
    ).update(submitted_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0007_retention_markers"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportplan",
            name="submitted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="submitted at"),
        ),
        migrations.RunPython(mark_submitted, migrations.RunPython.noop),
    ]
