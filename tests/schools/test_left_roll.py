"""The day a pupil leaves the roll (Pupil.left_roll_on): the retention period of their records
starts there (docs/retention.md). Kept by Pupil.save(), so the admin and roster imports set it."""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.test import Client
from django.utils import timezone

from schools.models import Pupil
from tests.audit.test_events_admin import form_data
from tests.factories import PupilFactory, UserFactory
from tests.schools.test_roster_import import PUPIL_HEADINGS, make_csv, pupil_row, run

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory.create(username="root", is_staff=True, is_superuser=True))
    return client


def test_unticking_on_roll_in_the_admin_dates_it_and_ticking_clears_it(world):
    pupil = PupilFactory.create(classroom=world.classroom)
    assert pupil.left_roll_on is None
    client = admin_client()
    url = f"/admin/schools/pupil/{pupil.pk}/change/"
    data = form_data(client.get(url))
    data.pop("is_active")
    with time_machine.travel(datetime.datetime(2027, 7, 10, 9, tzinfo=SHANGHAI), tick=False):
        client.force_login(UserFactory.create(username="root2", is_staff=True, is_superuser=True))
        assert client.post(url, data).status_code == 302
    pupil.refresh_from_db()
    assert (pupil.is_active, pupil.left_roll_on) == (False, datetime.date(2027, 7, 10))
    data = form_data(client.get(url))
    data["is_active"] = "on"
    assert client.post(url, data).status_code == 302
    pupil.refresh_from_db()
    assert (pupil.is_active, pupil.left_roll_on) == (True, None)


@pytest.mark.smoke
def test_saving_is_active_alone_saves_the_day_too(world):
    pupil = PupilFactory.create(classroom=world.classroom)
    pupil.is_active = False
    pupil.save(update_fields=["is_active"])
    assert Pupil.objects.get(pk=pupil.pk).left_roll_on == timezone.localdate()
    # A later save does not move the day.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40), tick=False):
        pupil.name = "改名"
        pupil.save()
    assert Pupil.objects.get(pk=pupil.pk).left_roll_on == timezone.localdate()


@pytest.mark.smoke
def test_a_roster_import_puts_a_pupil_back_on_the_roll(world):
    assert run(world, make_csv(PUPIL_HEADINGS, [pupil_row(1)])).ok
    pupil = Pupil.objects.get(student_number="G00000001")
    pupil.is_active = False
    pupil.save()
    assert pupil.left_roll_on is not None
    report = run(world, make_csv(PUPIL_HEADINGS, [pupil_row(1)]))
    assert (report.ok, report.updated) == (True, 1)
    pupil.refresh_from_db()
    assert (pupil.is_active, pupil.left_roll_on) == (True, None)


def test_the_data_migration_dates_pupils_already_off_the_roll(world):
    migration = importlib.import_module("schools.migrations.0004_pupil_left_roll_on_anonymised_at")
    left, dated, on_roll = (PupilFactory.create(classroom=world.classroom) for _ in range(3))
    # Rows as they were before the field existed: written around save(), on purpose.
    Pupil.objects.filter(pk=left.pk).update(
        is_active=False, updated_at=datetime.datetime(2025, 6, 30, 20, 0, tzinfo=datetime.UTC)
    )
    Pupil.objects.filter(pk=dated.pk).update(is_active=False, left_roll_on=datetime.date(2024, 1, 2))
    migration.date_pupils_off_the_roll(apps, None)
    migration.date_pupils_off_the_roll(apps, None)  # safe to run again
    # 20:00 UTC on 30 June is 1 July in Asia/Shanghai.
    assert Pupil.objects.get(pk=left.pk).left_roll_on == datetime.date(2025, 7, 1)
    assert Pupil.objects.get(pk=dated.pk).left_roll_on == datetime.date(2024, 1, 2)
    assert Pupil.objects.get(pk=on_roll.pk).left_roll_on is None
