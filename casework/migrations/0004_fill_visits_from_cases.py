"""Existing visits: pupil and school from their case, participants from who scheduled and recorded."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def fill_visits_from_cases(apps, schema_editor):
    """Every existing visit belongs to a case: take its pupil and school from there, its planner
    and participants from whoever made the appointment (and whoever recorded it), and call the
    appointment agreed when it was entered (the only time we know). Safe to re-run."""
    HomeVisit = apps.get_model("casework", "HomeVisit")
    Case = apps.get_model("casework", "Case")
    VisitParticipant = apps.get_model("casework", "VisitParticipant")
    case = Case.objects.filter(pk=OuterRef("case_id"))
    HomeVisit.objects.filter(case__isnull=False).update(
        pupil_id=Subquery(case.values("pupil_id")[:1]), school_id=Subquery(case.values("school_id")[:1])
    )
    HomeVisit.objects.filter(planned_by__isnull=True).update(planned_by_id=F("scheduled_by_id"))
    HomeVisit.objects.filter(scheduled_for__isnull=False, appointment_agreed_at__isnull=True).update(
        appointment_agreed_at=F("created_at")
    )
    HomeVisit.objects.filter(scheduled_for__isnull=False, appointment_method="").update(appointment_method="other")
    # The unique constraint on (visit, user) only arrives in 0005: skip the pairs already there,
    # so that running this again (after migrating back to 0003) adds no duplicates.
    existing = set(VisitParticipant.objects.values_list("visit_id", "user_id"))
    rows = []
    for visit_id, scheduled_by, recorded_by in HomeVisit.objects.values_list("id", "scheduled_by_id", "recorded_by_id"):
        for user_id in {scheduled_by, recorded_by} - {None}:
            if (visit_id, user_id) not in existing:
                rows.append(VisitParticipant(visit_id=visit_id, user_id=user_id))
    VisitParticipant.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_home_visit_cycle")]

    operations = [migrations.RunPython(fill_visits_from_cases, migrations.RunPython.noop)]
