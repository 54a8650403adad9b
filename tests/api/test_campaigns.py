"""/api/v1/campaigns/: staff of the bureau read; the bureau's inspectors PATCH a phase's dates."""

from __future__ import annotations

import datetime

import pytest

from audit.models import AuditEvent
from schools.calendar import campaign_create_default
from schools.models import Campaign, CampaignPhase, Membership
from tests.api.helpers import api_client
from tests.factories import (
    BureauFactory,
    BureauMembershipFactory,
    MembershipFactory,
    SchoolFactory,
    UserFactory,
)

Kind = CampaignPhase.Kind
D = datetime.date
READERS = ["owner", "colleague", "outsider", "counsellor", "principal", "admin", "custodian", "inspector"]


@pytest.fixture
def campaign(world) -> Campaign:
    return campaign_create_default(bureau=world.school.bureau, year=2027, actor=None)[0]


@pytest.fixture
def stranger(db: None):
    user = UserFactory.create(username="stranger")
    bureau = BureauFactory.create(code="county")
    MembershipFactory.create(
        user=user, school=SchoolFactory.create(bureau=bureau, code="Z"), role="principal"
    )
    BureauMembershipFactory.create(user=user, bureau=bureau)
    return user


def phase_url(campaign: Campaign, kind: str) -> str:
    phase = campaign.phases.get(kind=kind)
    return f"/api/v1/campaigns/{campaign.pk}/phases/{phase.pk}/"


@pytest.mark.smoke
@pytest.mark.parametrize("persona", READERS)
def test_staff_of_the_bureau_list_the_campaigns_with_phases(world, campaign, persona) -> None:
    response = api_client(getattr(world, persona)).get("/api/v1/campaigns/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == campaign.pk
    assert item["year"] == 2027
    assert [(p["kind"], p["starts_on"], p["ends_on"]) for p in item["phases"]] == [
        ("winter_visits", "2027-01-01", "2027-02-28"),
        ("plans", "2027-03-01", "2027-06-30"),
        ("follow_up", "2027-07-01", "2027-08-31"),
        ("continued_support", "2027-09-01", "2027-12-31"),
    ]


def test_the_year_filter(world, campaign) -> None:
    campaign_create_default(bureau=world.school.bureau, year=2028, actor=None)
    client = api_client(world.principal)
    assert [c["year"] for c in client.get("/api/v1/campaigns/").json()["results"]] == [2028, 2027]
    assert [c["year"] for c in client.get("/api/v1/campaigns/?year=2028").json()["results"]] == [2028]
    assert client.get("/api/v1/campaigns/?year=2030").json()["count"] == 0
    bad = client.get("/api/v1/campaigns/?year=soon")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert "year" in bad.json()["errors"]


def test_the_list_queries_do_not_grow_with_campaigns(world, campaign, django_assert_max_num_queries) -> None:
    client = api_client(world.inspector)
    with django_assert_max_num_queries(8) as small:
        assert client.get("/api/v1/campaigns/").status_code == 200
    for year in (2025, 2026, 2028, 2029):
        campaign_create_default(bureau=world.school.bureau, year=year, actor=None)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/api/v1/campaigns/").json()["count"] == 5


def test_the_detail(world, campaign) -> None:
    response = api_client(world.owner).get(f"/api/v1/campaigns/{campaign.pk}/")
    assert response.status_code == 200
    assert response.json()["name"] == campaign.name
    assert len(response.json()["phases"]) == 4


def test_another_bureau_sees_nothing_of_this_calendar(world, campaign, stranger) -> None:
    client = api_client(stranger)
    assert client.get("/api/v1/campaigns/").json()["count"] == 0
    response = client.get(f"/api/v1/campaigns/{campaign.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    patch = client.patch(phase_url(campaign, Kind.PLANS), {"ends_on": "2027-06-01"}, format="json")
    assert patch.status_code == 404


def test_someone_of_no_bureau_is_refused_and_anonymous_is_401(db, campaign) -> None:
    nobody = UserFactory.create(username="nobody", is_superuser=True)
    response = api_client(nobody).get("/api/v1/campaigns/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert api_client(nobody).get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 404
    assert api_client().get("/api/v1/campaigns/").status_code == 401
    assert api_client().patch(phase_url(campaign, Kind.PLANS), {}, format="json").status_code == 401


@pytest.mark.smoke
def test_the_inspector_patches_a_phase(world, campaign) -> None:
    response = api_client(world.inspector).patch(
        phase_url(campaign, Kind.FOLLOW_UP),
        {"starts_on": "2027-07-05", "ends_on": "2027-08-25"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["starts_on"] == "2027-07-05"
    phase = campaign.phases.get(kind=Kind.FOLLOW_UP)
    assert (phase.starts_on, phase.ends_on) == (D(2027, 7, 5), D(2027, 8, 25))
    event = AuditEvent.objects.get(action="calendar.phase_updated")
    assert event.actor_id == world.inspector.pk
    assert event.detail["new"] == {"starts_on": "2027-07-05", "ends_on": "2027-08-25"}


def test_a_partial_patch_keeps_the_other_date(world, campaign) -> None:
    response = api_client(world.inspector).patch(
        phase_url(campaign, Kind.FOLLOW_UP), {"ends_on": "2027-08-20"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["starts_on"], response.json()["ends_on"]) == ("2027-07-01", "2027-08-20")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"starts_on": "2027-06-15"}, "non_field_errors"),  # overlaps the plans phase
        ({"ends_on": "2028-01-05"}, "non_field_errors"),  # outside, and into next year
        ({"starts_on": "2027-08-31", "ends_on": "2027-07-01"}, "ends_on"),
        ({"starts_on": "next week"}, "starts_on"),
    ],
)
def test_invalid_dates_are_a_400_with_nothing_saved(world, campaign, body, field) -> None:
    response = api_client(world.inspector).patch(phase_url(campaign, Kind.FOLLOW_UP), body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert data["detail"]
    errors = data["errors"]
    assert field in errors, errors
    phase = campaign.phases.get(kind=Kind.FOLLOW_UP)
    assert (phase.starts_on, phase.ends_on) == (D(2027, 7, 1), D(2027, 8, 31))
    assert not AuditEvent.objects.filter(action="calendar.phase_updated").exists()


@pytest.mark.parametrize("persona", ["owner", "principal", "admin", "counsellor"])
def test_staff_who_are_no_inspectors_get_403(world, campaign, persona) -> None:
    response = api_client(getattr(world, persona)).patch(
        phase_url(campaign, Kind.PLANS), {"ends_on": "2027-06-01"}, format="json"
    )
    assert response.status_code == 403
    assert campaign.phases.get(kind=Kind.PLANS).ends_on == D(2027, 6, 30)


def test_a_phase_under_another_campaign_id_is_404(world, campaign) -> None:
    other, _ = campaign_create_default(bureau=world.school.bureau, year=2028, actor=None)
    phase = campaign.phases.get(kind=Kind.PLANS)
    response = api_client(world.inspector).patch(
        f"/api/v1/campaigns/{other.pk}/phases/{phase.pk}/", {"ends_on": "2027-06-01"}, format="json"
    )
    assert response.status_code == 404


def test_wrong_methods_are_405(world, campaign) -> None:
    client = api_client(world.inspector)
    assert client.post("/api/v1/campaigns/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/campaigns/{campaign.pk}/").status_code == 405
    assert client.get(phase_url(campaign, Kind.PLANS)).status_code == 405
    assert client.put(phase_url(campaign, Kind.PLANS), {}, format="json").status_code == 405


def test_the_session_api_needs_csrf_for_a_patch(world, campaign) -> None:
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.inspector)
    assert client.get("/api/v1/campaigns/").status_code == 200
    response = client.patch(phase_url(campaign, Kind.PLANS), {"ends_on": "2027-06-01"}, format="json")
    assert response.status_code == 403
    assert campaign.phases.get(kind=Kind.PLANS).ends_on == D(2027, 6, 30)


def test_memberships_that_ended_give_nothing(world, campaign) -> None:
    Membership.objects.filter(user=world.principal).update(is_active=False)
    assert api_client(world.principal).get("/api/v1/campaigns/").status_code == 403
