"""The demo organisation (schools.demo): plausible pupils, a current year and calendar, idempotent.

The ``manage.py demo`` command that composes every app's demo is tested in tests/portal."""

from __future__ import annotations

import datetime
import re

import pytest

from schools.demo import demo_build
from schools.models import (
    AcademicYear,
    Bureau,
    Classroom,
    Guardian,
    Pupil,
)

Relation = Guardian.Relation
GRANDPARENTS = {
    Relation.GRANDFATHER,
    Relation.GRANDMOTHER,
    Relation.MATERNAL_GRANDFATHER,
    Relation.MATERNAL_GRANDMOTHER,
}
CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


@pytest.mark.django_db
def test_demo_year_and_terms_are_current() -> None:
    demo_build(password="wanjia-demo")

    year = AcademicYear.objects.get()
    assert year.starts_on <= datetime.date.today() <= year.ends_on  # noqa: DTZ011
    assert (year.starts_on.month, year.starts_on.day, year.ends_on.month, year.ends_on.day) == (9, 1, 8, 31)
    terms = list(year.terms.order_by("number"))
    assert [t.number for t in terms] == [1, 2]
    assert terms[0].starts_on == year.starts_on and terms[1].ends_on == year.ends_on
    assert terms[0].ends_on < terms[1].starts_on


@pytest.mark.django_db
def test_demo_pupils_are_plausible_and_consistent_with_their_groups() -> None:
    summary = demo_build(password="wanjia-demo")
    year = AcademicYear.objects.get()

    assert summary.pupils == Pupil.objects.count() == 90
    for classroom in Classroom.objects.all():
        pupils = list(classroom.pupils.prefetch_related("guardians"))
        assert len(pupils) >= 25
        assert any(p.special_groups for p in pupils)
        for pupil in pupils:
            guardians = list(pupil.guardians.all())
            assert 1 <= len(guardians) <= 2
            assert CHINESE_NAME.match(pupil.name)
            assert pupil.student_number.startswith("G2203")
            born = pupil.birth_date
            assert born is not None
            first_day = year.starts_on
            age = first_day.year - born.year - ((first_day.month, first_day.day) < (born.month, born.day))
            # Six by 31 August when starting grade 1, so 9 or 10 on the first day of grade 4.
            assert age in (classroom.grade + 5, classroom.grade + 6)
            assert all(re.fullmatch(r"1[358]\d{9}", g.phone) for g in guardians)
            if pupil.left_behind:
                assert not pupil.migrant_child
                assert any(g.relation in GRANDPARENTS and g.lives_with_pupil for g in guardians)
                assert all(
                    g.works_away for g in guardians if g.relation in {Relation.FATHER, Relation.MOTHER}
                )
            else:
                assert any(g.lives_with_pupil for g in guardians)
            if pupil.migrant_child:
                assert all(g.lives_with_pupil and not g.works_away for g in guardians)
            if pupil.single_parent:
                parents = [g for g in guardians if g.relation in {Relation.FATHER, Relation.MOTHER}]
                assert len(parents) == 1

    def share(school: str, group: str) -> float:
        pupils = Pupil.objects.filter(school__code=school)
        return pupils.filter(**{group: True}).count() / pupils.count()

    assert 0.12 <= share("A", "left_behind") < share("B", "left_behind") <= 0.3
    for group in ("single_parent", "migrant_child", "registered_poor"):
        assert 0.05 <= Pupil.objects.filter(**{group: True}).count() / 90 <= 0.15
    assert Pupil.objects.filter(gender="M").count() in range(30, 61)
    assert len(set(Pupil.objects.values_list("name", flat=True))) > 80


@pytest.mark.django_db
def test_the_demo_sets_up_this_years_programme_calendar_once() -> None:
    from django.utils import timezone

    from audit.models import AuditEvent
    from schools.calendar import phase_on
    from schools.models import Campaign

    demo_build(password="wanjia-demo")
    bureau = Bureau.objects.get()
    campaign = Campaign.objects.get(bureau=bureau)
    assert campaign.year == timezone.localdate().year
    assert campaign.phases.count() == 4
    assert phase_on(bureau_id=bureau.pk, on=timezone.localdate()) is not None
    plans = campaign.phases.get(kind="plans")
    plans.ends_on = plans.ends_on.replace(day=20)
    plans.save(update_fields=["ends_on"])  # as an inspector might have moved it

    demo_build(password="wanjia-demo")
    assert Campaign.objects.count() == 1
    assert campaign.phases.get(kind="plans").ends_on.day == 20
    assert AuditEvent.objects.filter(action="calendar.campaign_created").count() == 1
