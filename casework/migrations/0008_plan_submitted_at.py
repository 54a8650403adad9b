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
    # A case back in planning (its plan returned, its support continued) submitted the version
    # that was its latest at its last "submit_plan": that version is marked, so that sending it
    # again unchanged is refused as after the upgrade; later drafts stay unsubmitted.
    AuditEvent = apps.get_model("audit", "AuditEvent")
    planning = SupportPlan.objects.filter(case__state="planning").values_list("case_id", flat=True)
    submitted: dict[int, object] = {}
    for case_id, occurred_at in (
        AuditEvent.objects.filter(
            action="case.transition", case_id__in=planning, detail__transition="submit_plan"
        )
        .order_by("case_id", "occurred_at")
        .values_list("case_id", "occurred_at")
    ):
        submitted[case_id] = occurred_at  # the last submission wins
    for case_id, occurred_at in submitted.items():
        plan = (
            SupportPlan.objects.filter(case_id=case_id, created_at__lte=occurred_at)
            .order_by("-version")
            .first()
        )
        if plan is not None and plan.submitted_at is None:
            plan.submitted_at = occurred_at
            plan.save(update_fields=["submitted_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0007_retention_markers"),
        ("audit", "0005_audit_erasable_payload"),
    ]

    operations = [
        migrations.AddField(
            model_name="supportplan",
            name="submitted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="submitted at"),
        ),
        migrations.RunPython(mark_submitted, migrations.RunPython.noop),
    ]
