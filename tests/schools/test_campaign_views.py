"""Programme calendar pages: staff of the bureau read, its inspectors create and edit."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from schools.calendar import campaign_create_default
from schools.models import Campaign, CampaignPhase, Membership
from tests.factories import (
    BureauFactory,
    BureauMembershipFactory,
    MembershipFactory,
    SchoolFactory,
    UserFactory,
)

Kind = CampaignPhase.Kind
D = datetime.date
LIST = reverse("schools:campaign_list")
CREATE = reverse("schools:campaign_create")
READERS = ["owner", "colleague", "outsider", "counsellor", "principal", "admin", "custodian"]


def edit_url(phase: CampaignPhase) -> str:
    return reverse("schools:campaign_phase_edit", args=[phase.pk])


@pytest.fixture
def campaign(world) -> Campaign:
    return campaign_create_default(bureau=world.school.bureau, year=2027, actor=None)[0]


@pytest.fixture
def stranger(db: None):
    """The principal of a school of another bureau."""
    user = UserFactory.create(username="stranger")
    school = SchoolFactory.create(bureau=BureauFactory.create(code="county"), code="Z")
    MembershipFactory.create(user=user, school=school, role=Membership.Role.PRINCIPAL)
    return user


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the list ---------------------------------------------------------------------------------


@pytest.mark.smoke
def test_the_inspector_sees_the_calendar_with_edit_links_and_the_create_form(world, campaign) -> None:
    response = as_user(world.inspector).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-campaign="{campaign.pk}"' in html
    assert campaign.name in html
    for phase in campaign.phases.all():
        assert f'data-phase="{phase.kind}"' in html
        assert edit_url(phase) in html
    assert 'data-card="campaign-create"' in html
    assert "2027-07-01" in html and "2027-08-31" in html


@pytest.mark.parametrize("persona", READERS)
def test_every_member_of_staff_of_the_bureau_reads_without_edit_links(world, campaign, persona) -> None:
    response = as_user(getattr(world, persona)).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-campaign="{campaign.pk}"' in html
    assert "data-edit=" not in html
    assert 'data-card="campaign-create"' not in html


def test_staff_of_another_bureau_do_not_see_this_calendar(world, campaign, stranger) -> None:
    response = as_user(stranger).get(LIST)
    assert response.status_code == 200
    assert f'data-campaign="{campaign.pk}"' not in response.content.decode()
    assert 'data-card="no-campaign"' in response.content.decode()


def test_someone_of_no_bureau_is_refused(db, campaign) -> None:
    nobody = UserFactory.create(username="nobody", is_superuser=True)  # the flag gives nothing
    response = as_user(nobody).get(LIST)
    assert response.status_code == 403
    assert 'data-page="forbidden"' in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(db) -> None:
    for url in (LIST, CREATE, reverse("schools:campaign_phase_edit", args=[1])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_list_refuses_post(world) -> None:
    assert as_user(world.inspector).post(LIST).status_code == 405


def test_the_list_marks_the_current_phase(world, campaign) -> None:
    with time_machine.travel(datetime.datetime(2027, 7, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        html = as_user(world.owner).get(LIST).content.decode()
    assert '<tr data-phase="follow_up" class="current">' in html
    assert '<tr data-phase="plans">' in html


def test_the_list_queries_do_not_grow_with_campaigns(world, campaign, django_assert_max_num_queries) -> None:
    client = as_user(world.inspector)
    client.get(LIST)  # session warm-up
    with django_assert_max_num_queries(12) as small:
        assert client.get(LIST).status_code == 200
    for year in (2025, 2026, 2028, 2029):
        campaign_create_default(bureau=world.school.bureau, year=year, actor=None)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(LIST)
    assert response.content.decode().count("data-campaign=") == 5


# --- creating -----------------------------------------------------------------------------------


@pytest.mark.smoke
def test_the_inspector_creates_the_default_campaign_for_a_year(world) -> None:
    bureau = world.school.bureau
    response = as_user(world.inspector).post(CREATE, {"bureau": bureau.pk, "year": 2028})
    campaign = Campaign.objects.get(bureau=bureau, year=2028)
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}#campaign-{campaign.pk}"
    assert campaign.phases.get(kind=Kind.WINTER_VISITS).ends_on == D(2028, 2, 29)
    event = AuditEvent.objects.get(action="calendar.campaign_created")
    assert event.actor_id == world.inspector.pk
    assert event.ip == "127.0.0.1"


def test_creating_an_existing_year_changes_nothing(world, campaign) -> None:
    response = as_user(world.inspector).post(CREATE, {"bureau": campaign.bureau_id, "year": 2027})
    assert response.status_code == 302
    assert Campaign.objects.count() == 1
    assert AuditEvent.objects.filter(action="calendar.campaign_created").count() == 1  # the fixture's


@pytest.mark.parametrize("year", ["", "abc", "1999", "2101"])
def test_a_bad_year_is_a_form_error_with_nothing_created(world, year) -> None:
    response = as_user(world.inspector).post(CREATE, {"bureau": world.school.bureau_id, "year": year})
    assert response.status_code == 400
    assert 'data-field="year"' in response.content.decode()
    assert 'class="field has-error" data-field="year"' in response.content.decode()
    assert not Campaign.objects.exists()


def test_an_inspector_cannot_create_for_another_bureau(world) -> None:
    other = BureauFactory.create(code="county")
    response = as_user(world.inspector).post(CREATE, {"bureau": other.pk, "year": 2028})
    assert response.status_code == 400
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("persona", ["principal", "owner", "admin"])
def test_staff_who_are_no_inspectors_cannot_create(world, persona) -> None:
    response = as_user(getattr(world, persona)).post(CREATE, {"bureau": world.school.bureau_id, "year": 2028})
    assert response.status_code == 403
    assert not Campaign.objects.exists()


def test_creating_needs_a_post_and_a_csrf_token(world) -> None:
    assert as_user(world.inspector).get(CREATE).status_code == 405
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.inspector)
    assert client.post(CREATE, {"bureau": world.school.bureau_id, "year": 2028}).status_code == 403
    assert not Campaign.objects.exists()


def test_an_inspector_of_two_bureaus_chooses_the_bureau(world) -> None:
    other = BureauFactory.create(code="county")
    BureauMembershipFactory.create(user=world.inspector, bureau=other)
    client = as_user(world.inspector)
    html = client.get(LIST).content.decode()
    assert '<select name="bureau"' in html
    assert client.post(CREATE, {"bureau": other.pk, "year": 2028}).status_code == 302
    assert Campaign.objects.get().bureau_id == other.pk


# --- editing a phase ----------------------------------------------------------------------------


@pytest.mark.smoke
def test_the_inspector_moves_a_phase(world, campaign) -> None:
    plans = campaign.phases.get(kind=Kind.PLANS)
    client = as_user(world.inspector)
    page = client.get(edit_url(plans))
    assert page.status_code == 200
    assert 'value="2027-03-01"' in page.content.decode()
    response = client.post(edit_url(plans), {"starts_on": "2027-03-10", "ends_on": "2027-06-25"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}#campaign-{campaign.pk}"
    plans.refresh_from_db()
    assert (plans.starts_on, plans.ends_on) == (D(2027, 3, 10), D(2027, 6, 25))
    event = AuditEvent.objects.get(action="calendar.phase_updated")
    assert event.detail["old"] == {"starts_on": "2027-03-01", "ends_on": "2027-06-30"}


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "where"),
    [
        ("2027-02-15", "2027-06-30", 'data-errors="form"'),  # overlaps the winter visits
        ("2027-03-01", "2027-07-15", 'data-errors="form"'),  # overlaps the follow-up visits
        ("2026-12-01", "2027-02-28", 'data-errors="form"'),  # outside the campaign (and overlapping)
        ("2027-06-01", "2027-03-01", 'class="field has-error" data-field="ends_on"'),
        ("", "2027-06-30", 'class="field has-error" data-field="starts_on"'),
        ("2027-13-01", "2027-06-30", 'class="field has-error" data-field="starts_on"'),
    ],
)
def test_bad_dates_are_form_errors_with_nothing_saved(world, campaign, starts_on, ends_on, where) -> None:
    plans = campaign.phases.get(kind=Kind.PLANS)
    response = as_user(world.inspector).post(edit_url(plans), {"starts_on": starts_on, "ends_on": ends_on})
    assert response.status_code == 400
    assert where in response.content.decode()
    plans.refresh_from_db()
    assert (plans.starts_on, plans.ends_on) == (D(2027, 3, 1), D(2027, 6, 30))
    assert not AuditEvent.objects.filter(action="calendar.phase_updated").exists()


@pytest.mark.parametrize("persona", READERS)
def test_staff_who_are_no_inspectors_may_not_edit(world, campaign, persona) -> None:
    plans = campaign.phases.get(kind=Kind.PLANS)
    client = as_user(getattr(world, persona))
    assert client.get(edit_url(plans)).status_code == 403
    assert (
        client.post(edit_url(plans), {"starts_on": "2027-03-10", "ends_on": "2027-06-25"}).status_code == 403
    )
    plans.refresh_from_db()
    assert plans.starts_on == D(2027, 3, 1)


def test_another_bureaus_people_get_404(world, campaign, stranger) -> None:
    inspector = UserFactory.create(username="county_inspector")
    BureauMembershipFactory.create(user=inspector, bureau=stranger.memberships.get().school.bureau)
    plans = campaign.phases.get(kind=Kind.PLANS)
    for user in (stranger, inspector):
        client = as_user(user)
        assert client.get(edit_url(plans)).status_code == 404
        assert (
            client.post(edit_url(plans), {"starts_on": "2027-03-10", "ends_on": "2027-06-25"}).status_code
            == 404
        )
    assert (
        as_user(world.inspector).get(reverse("schools:campaign_phase_edit", args=[99999])).status_code == 404
    )


def test_editing_refuses_other_methods_and_needs_csrf(world, campaign) -> None:
    plans = campaign.phases.get(kind=Kind.PLANS)
    assert as_user(world.inspector).put(edit_url(plans)).status_code == 405
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.inspector)
    assert (
        client.post(edit_url(plans), {"starts_on": "2027-03-10", "ends_on": "2027-06-25"}).status_code == 403
    )
    plans.refresh_from_db()
    assert plans.starts_on == D(2027, 3, 1)


# --- the home page and the menu -----------------------------------------------------------------


@pytest.mark.parametrize("persona", [*READERS, "inspector"])
def test_every_member_of_staff_sees_the_current_phase_at_home(world, campaign, persona) -> None:
    winter = campaign.phases.get(kind=Kind.WINTER_VISITS)
    with time_machine.travel(datetime.datetime(2027, 1, 20, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        html = as_user(getattr(world, persona)).get(reverse("portal:home")).content.decode()
    assert 'data-card="current-phase"' in html
    assert str(winter.get_kind_display()) in html
    assert winter.span in html
    assert f'href="{LIST}"' in html  # the menu entry


def test_no_current_phase_line_between_campaigns_or_for_another_bureau(world, campaign, stranger) -> None:
    with time_machine.travel(datetime.datetime(2028, 1, 20, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        assert (
            'data-card="current-phase"'
            not in as_user(world.owner).get(reverse("portal:home")).content.decode()
        )
    with time_machine.travel(datetime.datetime(2027, 1, 20, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        assert (
            'data-card="current-phase"' not in as_user(stranger).get(reverse("portal:home")).content.decode()
        )


def test_no_menu_entry_for_someone_of_no_bureau(db) -> None:
    html = as_user(UserFactory.create(username="nobody")).get(reverse("portal:home")).content.decode()
    assert 'data-nav="calendar"' not in html


def test_the_phase_span_leaves_out_the_year(world, campaign) -> None:
    from django.utils import translation

    winter = campaign.phases.get(kind=Kind.WINTER_VISITS)
    with translation.override("en"):
        assert winter.span == "January 1 – February 28"


def test_the_create_form_offers_the_first_year_not_set_up_yet(world) -> None:
    with time_machine.travel(datetime.datetime(2027, 5, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        client = as_user(world.inspector)
        assert 'name="year" value="2027"' in client.get(LIST).content.decode()
        for year in (2027, 2028):
            campaign_create_default(bureau=world.school.bureau, year=year, actor=None)
        assert 'name="year" value="2029"' in client.get(LIST).content.decode()


def test_the_year_bar_places_each_phase_and_today(world, campaign) -> None:
    with time_machine.travel(datetime.datetime(2027, 7, 2, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        html = as_user(world.owner).get(LIST).content.decode()
    assert f'data-timeline="{campaign.pk}"' in html
    # 2027 has 365 days: January–February is 59 of them, March–June 122, July–August 62.
    assert '<rect data-segment="winter_visits" x="0.00" y="1" width="16.16"' in html
    assert '<rect data-segment="plans" x="16.16" y="1" width="33.42"' in html
    assert '<rect data-segment="follow_up" x="49.59" y="1" width="16.99"' in html
    assert '<rect data-segment="continued_support" x="66.58" y="1" width="33.42"' in html
    assert '<rect data-today x="50.00"' in html  # 2 July: 182 days after 1 January, plus half a day


def test_no_today_mark_outside_the_campaign(world, campaign) -> None:
    with time_machine.travel(datetime.datetime(2028, 3, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        html = as_user(world.owner).get(LIST).content.decode()
    assert f'data-timeline="{campaign.pk}"' in html
    assert "data-today" not in html
