"""core.services.model_update: only what differs is set, validated, saved and reported."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.services import jsonable, model_update
from schools.models import Pupil, School
from tests.factories import PupilFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_it_saves_and_reports_only_the_fields_that_differ() -> None:
    pupil = PupilFactory.create(name="王小明", notes="")
    stamped = pupil.updated_at
    Pupil.objects.filter(pk=pupil.pk).update(notes="written meanwhile")  # our copy is stale

    old, new = model_update(pupil, {"name": "王小明", "birth_date": datetime.date(2016, 6, 1), "notes": ""})

    assert old == {"birth_date": "2016-05-01"}
    assert new == {"birth_date": "2016-06-01"}
    pupil.refresh_from_db()
    assert pupil.birth_date == datetime.date(2016, 6, 1)
    assert pupil.notes == "written meanwhile"  # a field that did not differ is not written back
    assert pupil.updated_at > stamped


def test_nothing_differs_nothing_is_saved(django_assert_num_queries) -> None:
    pupil = PupilFactory.create(name="王小明")
    with django_assert_num_queries(0):
        assert model_update(pupil, {"name": "王小明"}) == ({}, {})


def test_a_model_without_updated_at() -> None:
    school = SchoolFactory.create(address="")
    assert model_update(school, {"address": "人民路 1 号"}) == ({"address": ""}, {"address": "人民路 1 号"})
    assert School.objects.get(pk=school.pk).address == "人民路 1 号"


def test_an_invalid_value_is_refused_before_saving() -> None:
    pupil = PupilFactory.create(gender="F")
    with pytest.raises(ValidationError):
        model_update(pupil, {"gender": "X"})
    assert Pupil.objects.get(pk=pupil.pk).gender == "F"
    fresh = Pupil.objects.get(pk=pupil.pk)
    model_update(fresh, {"gender": "X"}, clean_exclude=["gender"])  # excluded from validation
    assert Pupil.objects.get(pk=pupil.pk).gender == "X"


def test_jsonable() -> None:
    assert jsonable(datetime.date(2026, 9, 1)) == "2026-09-01"
    assert jsonable(datetime.datetime(2026, 9, 1, 8, 30, tzinfo=datetime.UTC)) == "2026-09-01T08:30:00+00:00"
    assert jsonable("text") == "text" and jsonable(None) is None and jsonable([1]) == [1]
