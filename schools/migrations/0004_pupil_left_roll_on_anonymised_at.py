import zoneinfo

from django.db import migrations, models

LOCAL_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def date_pupils_off_the_roll(apps, schema_editor):
    """Pupils already off the roll left, at the latest, when their row last changed (the admin's
    save that unticked "on roll"). Pupils already dated are left alone, so this is safe to re-run."""
    Pupil = apps.get_model("schools", "Pupil")
    pending = Pupil.objects.filter(is_active=False, left_roll_on__isnull=True).only("pk", "updated_at")
    batch = []
    for pupil in pending.iterator(chunk_size=2000):
        pupil.left_roll_on = pupil.updated_at.astimezone(LOCAL_ZONE).date()
        batch.append(pupil)
        if len(batch) == 2000:
            Pupil.objects.bulk_update(batch, ["left_roll_on"])
            batch = []
    if batch:
        Pupil.objects.bulk_update(batch, ["left_roll_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("schools", "0003_membership_left_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="pupil",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="anonymised at"),
        ),
        migrations.AddField(
            model_name="pupil",
            name="left_roll_on",
            field=models.DateField(blank=True, null=True, verbose_name="left the roll on"),
        ),
        migrations.RunPython(date_pupils_off_the_roll, migrations.RunPython.noop),
    ]
