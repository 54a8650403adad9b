"""Home visits get a pupil, a school, participants, plans, appointments and gift reports (nullable first)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0002_case_state_changed_at_closure_outcome'),
        ('schools', '0002_campaign_calendar'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='VisitGiftReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('what', models.CharField(max_length=255, verbose_name='what was offered')),
                ('offered_on', models.DateField(verbose_name='offered on')),
                ('outcome', models.CharField(choices=[('refused', 'refused'), ('returned', 'returned')], max_length=16, verbose_name='outcome')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('reported_at', models.DateTimeField(auto_now_add=True, verbose_name='reported at')),
            ],
            options={
                'verbose_name': 'refused gift report',
                'verbose_name_plural': 'refused gift reports',
                'ordering': ['-reported_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='VisitParticipant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'verbose_name': 'visit participant',
                'verbose_name_plural': 'visit participants',
            },
        ),
        migrations.CreateModel(
            name='VisitPlan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=128, verbose_name='title')),
                ('grouping', models.CharField(choices=[('group', 'by group'), ('area', 'by area'), ('class', 'by class'), ('person', 'by person')], max_length=16, verbose_name='grouping')),
                ('area_label', models.CharField(blank=True, help_text='The area (片区) the plan covers.', max_length=128, verbose_name='area')),
                ('kind', models.CharField(choices=[('general', 'general visit'), ('targeted', 'targeted visit'), ('follow_up', 'follow-up visit')], default='general', max_length=16, verbose_name='kind of visit')),
                ('starts_on', models.DateField(verbose_name='starts on')),
                ('ends_on', models.DateField(verbose_name='ends on')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'visit plan',
                'verbose_name_plural': 'visit plans',
                'ordering': ['-starts_on', '-id'],
            },
        ),
        migrations.AlterModelOptions(
            name='homevisit',
            options={'ordering': ['scheduled_for', 'id'], 'verbose_name': 'home visit', 'verbose_name_plural': 'home visits'},
        ),
        migrations.RemoveConstraint(
            model_name='homevisit',
            name='visit_not_before_appointment',
        ),
        migrations.AddField(
            model_name='homevisit',
            name='appointment_agreed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='agreed at'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='appointment_guardian',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='schools.guardian', verbose_name='guardian'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='appointment_method',
            field=models.CharField(blank=True, choices=[('phone', 'phone'), ('in_person', 'in person'), ('message', 'message or WeChat'), ('letter', 'letter'), ('other', 'other')], default='', max_length=16, verbose_name='agreed by'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='appointment_with',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='agreed with'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='follow_up_of',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='follow_ups', to='casework.homevisit', verbose_name='follow-up of'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='growth_environment',
            field=models.TextField(blank=True, verbose_name='growth environment'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='planned_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='planned by'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='policies_explained',
            field=models.TextField(blank=True, verbose_name='education policies explained'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='pupil',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='home_visits', to='schools.pupil', verbose_name='pupil'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='reflection',
            field=models.TextField(blank=True, verbose_name='reflection'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='school',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='home_visits', to='schools.school', verbose_name='school'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='school_life_feedback',
            field=models.TextField(blank=True, verbose_name="feedback on the pupil's school life"),
        ),
        migrations.AlterField(
            model_name='homevisit',
            name='appointment_note',
            field=models.CharField(blank=True, help_text='Who agreed, and how (phone, letter, in person).', max_length=255, verbose_name='appointment note'),
        ),
        migrations.AlterField(
            model_name='homevisit',
            name='case',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='visits', to='casework.case', verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='homevisit',
            name='scheduled_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='appointment made by'),
        ),
        migrations.AlterField(
            model_name='homevisit',
            name='scheduled_for',
            field=models.DateTimeField(blank=True, null=True, verbose_name='appointment'),
        ),
        migrations.AddField(
            model_name='visitgiftreport',
            name='reported_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reported by'),
        ),
        migrations.AddField(
            model_name='visitgiftreport',
            name='visit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='gift_reports', to='casework.homevisit', verbose_name='home visit'),
        ),
        migrations.AddField(
            model_name='visitparticipant',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='visit_participations', to=settings.AUTH_USER_MODEL, verbose_name='member of staff'),
        ),
        migrations.AddField(
            model_name='visitparticipant',
            name='visit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='participations', to='casework.homevisit', verbose_name='home visit'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='participants',
            field=models.ManyToManyField(related_name='home_visits', through='casework.VisitParticipant', to=settings.AUTH_USER_MODEL, verbose_name='participants'),
        ),
        migrations.AddField(
            model_name='visitplan',
            name='campaign',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='visit_plans', to='schools.campaign', verbose_name='campaign year'),
        ),
        migrations.AddField(
            model_name='visitplan',
            name='classroom',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='visit_plans', to='schools.classroom', verbose_name='class'),
        ),
        migrations.AddField(
            model_name='visitplan',
            name='created_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AddField(
            model_name='visitplan',
            name='school',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='visit_plans', to='schools.school', verbose_name='school'),
        ),
        migrations.AddField(
            model_name='visitplan',
            name='term',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='visit_plans', to='schools.term', verbose_name='term'),
        ),
        migrations.AddField(
            model_name='homevisit',
            name='plan',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='casework.visitplan', verbose_name='visit plan'),
        ),
    ]
