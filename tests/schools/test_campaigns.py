"""The programme calendar: default phases, editing, audit, and the date selectors the flow calls."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import translation

from audit.models import AuditEvent
from core.errors import Invalid
from schools.calendar import (
    campaign_create_default,
    campaign_for,
    campaign_phase_update,
    current_phases,
    default_phase_dates,
    due_on_from_phase_or_rule,
    phase_end,
    phase_on,
)
from schools.models import Bureau, Campaign, CampaignPhase
from tests.factories import BureauFactory

Kind = CampaignPhase.Kind
D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


def phases_of(campaign: Campaign) -> dict[str, tuple[datetime.date, datetime.date]]:
    return {p.kind: (p.starts_on, p.ends_on) for p in campaign.phases.all()}


@pytest.fixture
def bureau(db: None) -> Bureau:
    return BureauFactory.create(code="city", name="四平市教育局")


@pytest.mark.smoke
def test_the_default_phases_follow_the_programme_document(bureau, world) -> None:
    campaign, created = campaign_create_default(bureau=bureau, year=2027, actor=world.inspector)
    assert created
    assert campaign.name == "2027年万师进万家活动"
    assert (campaign.starts_on, campaign.ends_on) == (D(2027, 1, 1), D(2027, 12, 31))
    assert phases_of(campaign) == {
        Kind.WINTER_VISITS: (D(2027, 1, 1), D(2027, 2, 28)),
        Kind.PLANS: (D(2027, 3, 1), D(2027, 6, 30)),
        Kind.FOLLOW_UP: (D(2027, 7, 1), D(2027, 8, 31)),
        Kind.CONTINUED_SUPPORT: (D(2027, 9, 1), D(2027, 12, 31)),
    }
    assert [p.kind for p in campaign.phases.order_by("order")] == [
        Kind.WINTER_VISITS,
        Kind.PLANS,
        Kind.FOLLOW_UP,
        Kind.CONTINUED_SUPPORT,
    ]


@pytest.mark.parametrize(("year", "last"), [(2028, 29), (2100, 28), (2000, 29), (2027, 28)])
def test_the_winter_phase_ends_on_the_last_day_of_february(year: int, last: int) -> None:
    kind, starts_on, ends_on = default_phase_dates(year)[0]
    assert kind == Kind.WINTER_VISITS
    assert (starts_on, ends_on) == (D(year, 1, 1), D(year, 2, last))


def test_a_leap_year_campaign_ends_its_winter_visits_on_29_february(bureau, world) -> None:
    campaign, _ = campaign_create_default(bureau=bureau, year=2028, actor=world.inspector)
    assert phases_of(campaign)[Kind.WINTER_VISITS] == (D(2028, 1, 1), D(2028, 2, 29))


def test_creating_twice_returns_the_same_campaign_and_keeps_edited_dates(bureau, world) -> None:
    campaign, _ = campaign_create_default(bureau=bureau, year=2027, actor=world.inspector)
    winter = campaign.phases.get(kind=Kind.WINTER_VISITS)
    campaign_phase_update(
        phase=winter, starts_on=D(2027, 1, 10), ends_on=D(2027, 2, 20), actor=world.inspector
    )
    events = AuditEvent.objects.count()

    again, created = campaign_create_default(bureau=bureau, year=2027, actor=world.inspector)

    assert not created
    assert again.pk == campaign.pk
    assert Campaign.objects.count() == 1
    assert CampaignPhase.objects.count() == 4
    assert phases_of(again)[Kind.WINTER_VISITS] == (D(2027, 1, 10), D(2027, 2, 20))
    assert AuditEvent.objects.count() == events


def test_each_bureau_has_its_own_campaign_per_year(bureau, world) -> None:
    other = BureauFactory.create(code="county")
    campaign_create_default(bureau=bureau, year=2027, actor=world.inspector)
    campaign_create_default(bureau=other, year=2027, actor=None)
    campaign_create_default(bureau=bureau, year=2028, actor=world.inspector)
    assert Campaign.objects.count() == 3


def test_the_database_refuses_a_second_campaign_for_the_same_year(bureau) -> None:
    campaign_create_default(bureau=bureau, year=2027, actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.create(
            bureau=bureau, year=2027, name="x", starts_on=D(2027, 1, 1), ends_on=D(2027, 12, 31)
        )


@pytest.mark.postgres_only
def test_the_database_refuses_a_phase_ending_before_it_starts(bureau) -> None:
    campaign, _ = campaign_create_default(bureau=bureau, year=2027, actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignPhase.objects.filter(campaign=campaign, kind=Kind.PLANS).update(ends_on=D(2027, 2, 1))


@pytest.mark.parametrize("year", [1999, 2101, 0])
def test_a_year_out_of_range_is_refused_with_nothing_written(bureau, year: int) -> None:
    with pytest.raises(Invalid) as raised:
        campaign_create_default(bureau=bureau, year=year, actor=None)
    assert "year" in raised.value.errors
    assert not Campaign.objects.exists()
    assert not AuditEvent.objects.exists()


def test_creating_is_audited_at_bureau_level_with_the_dates(bureau, world) -> None:
    campaign, _ = campaign_create_default(bureau=bureau, year=2027, actor=world.inspector)
    event = AuditEvent.objects.get(action="calendar.campaign_created")
    assert event.actor_id == world.inspector.pk
    assert event.school_id is None
    assert event.target_id == str(campaign.pk)
    assert event.detail["year"] == 2027
    assert event.detail["new"]["phases"]["follow_up"] == {"starts_on": "2027-07-01", "ends_on": "2027-08-31"}


# --- editing ------------------------------------------------------------------------------------


@pytest.fixture
def campaign(bureau) -> Campaign:
    return campaign_create_default(bureau=bureau, year=2027, actor=None)[0]


def test_moving_a_phase_saves_and_records_old_and_new_dates(campaign, world) -> None:
    plans = campaign.phases.get(kind=Kind.PLANS)
    campaign_phase_update(
        phase=plans, starts_on=D(2027, 3, 15), ends_on=D(2027, 6, 20), actor=world.inspector
    )

    plans.refresh_from_db()
    assert (plans.starts_on, plans.ends_on) == (D(2027, 3, 15), D(2027, 6, 20))
    event = AuditEvent.objects.get(action="calendar.phase_updated")
    assert event.actor_id == world.inspector.pk
    assert event.school_id is None
    assert event.target_id == str(plans.pk)
    assert event.detail == {
        "campaign": campaign.pk,
        "kind": "plans",
        "old": {"starts_on": "2027-03-01", "ends_on": "2027-06-30"},
        "new": {"starts_on": "2027-03-15", "ends_on": "2027-06-20"},
    }


def test_saving_the_same_dates_records_nothing(campaign, world) -> None:
    plans = campaign.phases.get(kind=Kind.PLANS)
    campaign_phase_update(
        phase=plans, starts_on=plans.starts_on, ends_on=plans.ends_on, actor=world.inspector
    )
    assert not AuditEvent.objects.filter(action="calendar.phase_updated").exists()


@pytest.mark.parametrize(
    ("kind", "starts_on", "ends_on", "field", "words"),
    [
        (
            Kind.PLANS,
            D(2027, 2, 20),
            D(2027, 6, 30),
            "non_field_errors",
            "overlaps",
        ),  # into the winter visits
        (
            Kind.FOLLOW_UP,
            D(2027, 7, 1),
            D(2027, 9, 5),
            "non_field_errors",
            "overlaps",
        ),  # into continued support
        (Kind.WINTER_VISITS, D(2026, 12, 20), D(2027, 2, 28), "non_field_errors", "within the campaign"),
        (Kind.CONTINUED_SUPPORT, D(2027, 9, 1), D(2028, 1, 15), "non_field_errors", "within the campaign"),
        (Kind.FOLLOW_UP, D(2027, 8, 1), D(2027, 7, 15), "ends_on", "before the start"),
    ],
)
def test_invalid_dates_are_refused_with_nothing_saved(
    campaign, world, kind: str, starts_on: datetime.date, ends_on: datetime.date, field: str, words: str
) -> None:
    phase = campaign.phases.get(kind=kind)
    before = phases_of(campaign)
    with translation.override("en"):
        with pytest.raises(Invalid) as raised:
            campaign_phase_update(phase=phase, starts_on=starts_on, ends_on=ends_on, actor=world.inspector)
        messages = " ".join(str(m) for m in raised.value.errors.get(field, []))
    assert field in raised.value.errors
    assert words in messages
    assert phases_of(campaign) == before
    assert not AuditEvent.objects.filter(action="calendar.phase_updated").exists()


def test_a_phase_may_shrink_to_leave_a_gap_and_a_neighbour_may_fill_it(campaign, world) -> None:
    winter = campaign.phases.get(kind=Kind.WINTER_VISITS)
    plans = campaign.phases.get(kind=Kind.PLANS)
    campaign_phase_update(
        phase=winter, starts_on=D(2027, 1, 1), ends_on=D(2027, 2, 10), actor=world.inspector
    )
    campaign_phase_update(
        phase=plans, starts_on=D(2027, 2, 11), ends_on=D(2027, 6, 30), actor=world.inspector
    )
    assert phases_of(campaign)[Kind.PLANS] == (D(2027, 2, 11), D(2027, 6, 30))


def test_a_one_day_phase_is_allowed(campaign, world) -> None:
    follow_up = campaign.phases.get(kind=Kind.FOLLOW_UP)
    campaign_phase_update(
        phase=follow_up, starts_on=D(2027, 7, 1), ends_on=D(2027, 7, 1), actor=world.inspector
    )
    assert phases_of(campaign)[Kind.FOLLOW_UP] == (D(2027, 7, 1), D(2027, 7, 1))


# --- date selectors and due dates ---------------------------------------------------------------


@pytest.mark.smoke
def test_the_selectors_name_the_campaign_and_phase_of_a_day(campaign, bureau) -> None:
    assert campaign_for(bureau_id=bureau.pk, on=D(2027, 5, 1)) == campaign
    assert campaign_for(bureau_id=bureau.pk, on=D(2026, 12, 31)) is None
    on_jan = phase_on(bureau_id=bureau.pk, on=D(2027, 1, 15))
    assert on_jan is not None and on_jan.kind == Kind.WINTER_VISITS
    on_jul = phase_on(bureau_id=bureau.pk, on=D(2027, 7, 20))
    assert on_jul is not None and on_jul.kind == Kind.FOLLOW_UP
    assert phase_end(bureau_id=bureau.pk, kind=Kind.FOLLOW_UP, on=D(2027, 1, 15)) == D(2027, 8, 31)
    assert phase_end(bureau_id=bureau.pk, kind=Kind.FOLLOW_UP, on=D(2028, 1, 15)) is None


def test_the_selectors_only_read_the_bureau_asked_about(campaign) -> None:
    other = BureauFactory.create(code="county")
    assert campaign_for(bureau_id=other.pk, on=D(2027, 5, 1)) is None
    assert phase_on(bureau_id=other.pk, on=D(2027, 5, 1)) is None
    assert phase_end(bureau_id=other.pk, kind=Kind.PLANS, on=D(2027, 5, 1)) is None


def test_a_gap_between_phases_has_no_phase_but_a_campaign(campaign, bureau, world) -> None:
    winter = campaign.phases.get(kind=Kind.WINTER_VISITS)
    campaign_phase_update(
        phase=winter, starts_on=D(2027, 1, 10), ends_on=D(2027, 2, 28), actor=world.inspector
    )
    assert phase_on(bureau_id=bureau.pk, on=D(2027, 1, 5)) is None
    assert campaign_for(bureau_id=bureau.pk, on=D(2027, 1, 5)) == campaign


@pytest.mark.parametrize(
    ("moment", "kind"),
    [
        (datetime.datetime(2027, 1, 1, 0, 5, tzinfo=SHANGHAI), Kind.WINTER_VISITS),
        (datetime.datetime(2027, 2, 28, 23, 55, tzinfo=SHANGHAI), Kind.WINTER_VISITS),
        (datetime.datetime(2027, 3, 1, 0, 5, tzinfo=SHANGHAI), Kind.PLANS),
        (datetime.datetime(2027, 7, 14, 9, 0, tzinfo=SHANGHAI), Kind.FOLLOW_UP),
        (datetime.datetime(2027, 12, 31, 23, 55, tzinfo=SHANGHAI), Kind.CONTINUED_SUPPORT),
        (datetime.datetime(2028, 1, 1, 0, 5, tzinfo=SHANGHAI), None),  # between campaigns
        (datetime.datetime(2026, 12, 31, 23, 55, tzinfo=SHANGHAI), None),
    ],
)
def test_across_the_year_today_falls_in_the_right_phase(campaign, bureau, moment, kind) -> None:
    from django.utils import timezone

    with time_machine.travel(moment, tick=False):
        today = timezone.localdate()
        phase = phase_on(bureau_id=bureau.pk, on=today)
        assert (phase.kind if phase else None) == kind
        assert [p.kind for p in current_phases(bureau_ids={bureau.pk}, on=today)] == ([kind] if kind else [])


@pytest.mark.smoke
def test_due_date_is_the_phase_end_while_the_phase_runs(campaign, bureau) -> None:
    due = due_on_from_phase_or_rule(
        bureau_id=bureau.pk, phase_kind=Kind.WINTER_VISITS, created=D(2027, 1, 20), rule_days=7
    )
    assert due == D(2027, 2, 28)
    # On the phase's last day the task is due that very day.
    assert due_on_from_phase_or_rule(
        bureau_id=bureau.pk, phase_kind=Kind.FOLLOW_UP, created=D(2027, 8, 31), rule_days=7
    ) == D(2027, 8, 31)


@pytest.mark.parametrize(
    ("phase_kind", "created", "expected"),
    [
        (None, D(2027, 1, 20), D(2027, 1, 27)),  # no phase: the rule
        (Kind.FOLLOW_UP, D(2027, 1, 20), D(2027, 1, 27)),  # its phase is not running yet
        (Kind.WINTER_VISITS, D(2027, 3, 2), D(2027, 3, 9)),  # its phase is over
        (Kind.WINTER_VISITS, D(2028, 1, 20), D(2028, 1, 27)),  # no campaign for 2028
        (Kind.CONTINUED_SUPPORT, D(2027, 12, 29), D(2027, 12, 31)),  # phase end, even if sooner
    ],
)
def test_due_date_falls_back_to_the_rule(campaign, bureau, phase_kind, created, expected) -> None:
    assert (
        due_on_from_phase_or_rule(bureau_id=bureau.pk, phase_kind=phase_kind, created=created, rule_days=7)
        == expected
    )


def test_due_date_follows_an_edited_phase(campaign, bureau, world) -> None:
    plans = campaign.phases.get(kind=Kind.PLANS)
    campaign_phase_update(phase=plans, starts_on=D(2027, 3, 1), ends_on=D(2027, 5, 31), actor=world.inspector)
    assert due_on_from_phase_or_rule(
        bureau_id=bureau.pk, phase_kind=Kind.PLANS, created=D(2027, 4, 1), rule_days=7
    ) == D(2027, 5, 31)
    assert due_on_from_phase_or_rule(
        bureau_id=bureau.pk, phase_kind=Kind.PLANS, created=D(2027, 6, 10), rule_days=7
    ) == D(2027, 6, 17)


def test_due_date_of_another_bureau_ignores_this_calendar(campaign) -> None:
    other = BureauFactory.create(code="county")
    assert due_on_from_phase_or_rule(
        bureau_id=other.pk, phase_kind=Kind.PLANS, created=D(2027, 4, 1), rule_days=7
    ) == D(2027, 4, 8)


def test_due_date_rejects_nonsense(bureau) -> None:
    with pytest.raises(ValueError, match="phase kind"):
        due_on_from_phase_or_rule(
            bureau_id=bureau.pk, phase_kind="summer", created=D(2027, 1, 1), rule_days=7
        )
    with pytest.raises(ValueError, match="rule_days"):
        due_on_from_phase_or_rule(bureau_id=bureau.pk, phase_kind=None, created=D(2027, 1, 1), rule_days=-1)
