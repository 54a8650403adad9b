"""Home visits: pupil, school and planner required; never recorded without an appointment (CHECK)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0004_fill_visits_from_cases"),
        ("schools", "0002_campaign_calendar"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='homevisit',
            name='planned_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='planned by'),
        ),
        migrations.AlterField(
            model_name='homevisit',
            name='pupil',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='home_visits', to='schools.pupil', verbose_name='pupil'),
        ),
        migrations.AlterField(
            model_name='homevisit',
            name='school',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='home_visits', to='schools.school', verbose_name='school'),
        ),
        migrations.AddIndex(
            model_name='homevisit',
            index=models.Index(fields=['school', 'visited_at'], name='visit_school_visited'),
        ),
        migrations.AddIndex(
            model_name='homevisit',
            index=models.Index(fields=['school', 'scheduled_for'], name='visit_school_scheduled'),
        ),
        migrations.AddIndex(
            model_name='homevisit',
            index=models.Index(fields=['pupil', 'visited_at'], name='visit_pupil_visited'),
        ),
        migrations.AddConstraint(
            model_name='homevisit',
            constraint=models.CheckConstraint(condition=models.Q(('visited_at__isnull', True), models.Q(('appointment_agreed_at__isnull', False), ('scheduled_for__isnull', False), ('visited_at__gte', models.F('scheduled_for'))), _connector='OR'), name='visit_recorded_after_appointment'),
        ),
        migrations.AddConstraint(
            model_name='homevisit',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('appointment_agreed_at__isnull', True), ('scheduled_for__isnull', True)), models.Q(('appointment_agreed_at__isnull', False), ('scheduled_for__isnull', False)), _connector='OR'), name='visit_appointment_complete'),
        ),
        migrations.AddConstraint(
            model_name='homevisit',
            constraint=models.CheckConstraint(condition=models.Q(('follow_up_of__isnull', True), ('kind', 'follow_up'), _connector='OR'), name='visit_follow_up_kind'),
        ),
        migrations.AddConstraint(
            model_name='visitparticipant',
            constraint=models.UniqueConstraint(fields=('visit', 'user'), name='visit_participant_unique'),
        ),
        migrations.AddIndex(
            model_name='visitplan',
            index=models.Index(fields=['school', '-starts_on'], name='visit_plan_school_start'),
        ),
        migrations.AddConstraint(
            model_name='visitplan',
            constraint=models.CheckConstraint(condition=models.Q(('ends_on__gte', models.F('starts_on'))), name='visit_plan_period'),
        ),
        migrations.AddConstraint(
            model_name='visitplan',
            constraint=models.CheckConstraint(condition=models.Q(('campaign__isnull', False), ('term__isnull', False), _connector='OR'), name='visit_plan_campaign_or_term'),
        ),
        migrations.AddConstraint(
            model_name='visitplan',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('grouping', 'class'), _negated=True), ('classroom__isnull', False), _connector='OR'), name='visit_plan_class_has_classroom'),
        ),
        migrations.AddConstraint(
            model_name='visitplan',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('grouping', 'area'), _negated=True), models.Q(('area_label', ''), _negated=True), _connector='OR'), name='visit_plan_area_has_label'),
        ),
    ]
