"""Opinions received another way than on a home visit: a channel, and the pupil optional."""

import django.db.models.deletion
from django.db import migrations, models


def channel_of_rows_without_visit(apps, schema_editor):
    """Rows without a visit (none came from a form, but the model allowed them) say "other"."""
    ParentOpinion = apps.get_model("opinions", "ParentOpinion")
    ParentOpinion.objects.filter(visit__isnull=True).exclude(channel="other").update(channel="other")


class Migration(migrations.Migration):

    dependencies = [
        ('opinions', '0001_initial'),
        ('schools', '0002_campaign_calendar'),
    ]

    operations = [
        migrations.AddField(
            model_name='parentopinion',
            name='channel',
            field=models.CharField(choices=[('visit', 'home visit'), ('phone', 'phone call'), ('letter', 'letter'), ('meeting', "parents' meeting"), ('mailbox', "the school's mailbox"), ('in_person', 'in person at the school'), ('other', 'other')], default='visit', max_length=16, verbose_name='received by'),
        ),
        migrations.AlterField(
            model_name='parentopinion',
            name='pupil',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='parent_opinions', to='schools.pupil', verbose_name='pupil'),
        ),
        migrations.RunPython(channel_of_rows_without_visit, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='parentopinion',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('channel', 'visit'), ('visit__isnull', False)), models.Q(models.Q(('channel', 'visit'), _negated=True), ('visit__isnull', True)), _connector='OR'), name='opinion_visit_iff_channel_visit'),
        ),
    ]
