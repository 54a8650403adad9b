"""GET /api/v1/audit/events/: same visibility and filters as the browser, JSON errors."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from audit.services import audit_record
from schools.models import BureauMembership, Membership
from tests.api.helpers import api_client
from tests.audit.helpers import READERS, REFUSED
from tests.builders import open_case
from tests.factories import MembershipFactory, UserFactory

URL = "/api/v1/audit/events/"


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.smoke
def test_the_principal_reads_their_school_only(world, trail) -> None:
    response = api_client(world.principal).get(URL)
    assert response.status_code == 200
    assert ids(response) == trail.ids(school="A")
    assert response.json()["count"] == len(trail.ids(school="A"))


def test_the_inspector_reads_the_whole_bureau(world, trail) -> None:
    response = api_client(world.inspector).get(URL)
    assert response.status_code == 200
    assert ids(response) == trail.ids()
    assert trail.bureau_event.pk in ids(response)


@pytest.mark.parametrize("persona", REFUSED)
def test_everyone_else_gets_403_json(world, trail, persona) -> None:
    response = api_client(getattr(world, persona)).get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["detail"]


def test_a_bad_filter_does_not_turn_a_refusal_into_400(world, trail) -> None:
    assert api_client(world.colleague).get(URL, {"case": "abc"}).status_code == 403


def test_anonymous_gets_401_json(trail) -> None:
    response = api_client().get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_only_get(world) -> None:
    client = api_client(world.inspector)
    assert client.post(URL, {}).status_code == 405
    assert client.delete(URL).status_code == 405


def test_each_event_shows_its_place_in_the_chain(world, trail) -> None:
    open_case(world.classroom, by=world.owner)  # a second event in school A's chain
    response = api_client(world.inspector).get(URL, {"school": "A"})
    row = response.json()["results"][0]
    event = AuditEvent.objects.get(pk=row["id"])
    assert row["hash"] == event.hash and len(row["hash"]) == 64
    assert row["prev_hash"] == event.prev_hash != ""
    assert row["chain"] == event.chain and row["seq"] == event.seq
    assert row["actor"] == {"id": world.owner.pk, "label": event.actor_label}
    assert row["school"] == {"id": world.school.pk, "code": "A"}
    assert row["case"] == event.case_id
    assert row["action"] == "case.open"
    assert set(row) == {
        "id",
        "occurred_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "case",
        "school",
        "detail",
        "ip",
        "erased_at",
        "chain",
        "seq",
        "prev_hash",
        "hash",
        "action_label",
        "record",
        "summary",
    }
    bureau = api_client(world.inspector).get(URL, {"action": "bureau.review"}).json()["results"][0]
    assert bureau["school"] is None and bureau["detail"] == {"note": "季度检查"}


def test_the_principal_filtering_on_the_other_school_gets_nothing(world, trail) -> None:
    client = api_client(world.principal)
    for params in [{"school": "B"}, {"school": world.other_school.pk}, {"case": trail.case_b.pk}]:
        response = client.get(URL, params)
        assert response.status_code == 200
        assert response.json()["count"] == 0


@pytest.mark.smoke
def test_the_ends_of_the_calendar_are_valid_bounds(world, trail) -> None:
    client = api_client(world.inspector)
    for params in [
        {"since": "0001-01-01", "until": "9999-12-31"},
        {"since": "0001-01-01T00:00", "until": "9999-12-31T23:59:59"},
        {"since": "0001-01-01T00:00+14:00", "until": "9999-12-31T23:59:59-12:00"},
    ]:
        response = client.get(URL, params)
        assert response.status_code == 200, params
        assert ids(response) == trail.ids()
    assert client.get(URL, {"since": "9999-12-31", "until": "0001-01-01"}).status_code == 400


def test_filters(world, trail) -> None:
    client = api_client(world.inspector)
    assert ids(client.get(URL, {"school": "B"})) == trail.ids(school="B")
    by_case = set(AuditEvent.objects.filter(case_id=trail.case_a.pk).values_list("pk", flat=True))
    assert ids(client.get(URL, {"case": trail.case_a.pk})) == by_case
    by_actor = set(AuditEvent.objects.filter(actor=world.owner).values_list("pk", flat=True))
    assert ids(client.get(URL, {"actor": "owner"})) == by_actor
    assert ids(client.get(URL, {"actor": world.owner.pk})) == by_actor
    assert ids(client.get(URL, {"actor": "99999999999999999999999"})) == set()  # no overflow, no one
    assert ids(client.get(URL, {"action": "case."})) == set(
        AuditEvent.objects.filter(action__startswith="case.").values_list("pk", flat=True)
    )
    assert ids(client.get(URL, {"since": "2000-01-01", "until": "2000-12-31"})) == set()
    assert ids(client.get(URL, {"since": "2000-01-01"})) == trail.ids()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"case": "abc"}, "case"),
        ({"case": "99999999999999999999999"}, "case"),
        ({"school": "99999999999999999999999"}, "school"),
        ({"since": "not-a-date"}, "since"),
        ({"until": "2026-02-30"}, "until"),
        ({"action": "<script>"}, "action"),
        ({"school": "ZZZ"}, "school"),
        ({"since": "2026-03-11T10:00", "until": "2026-03-11T09:00"}, "until"),
    ],
)
def test_bad_filters_are_400_json(world, trail, params, field) -> None:
    response = api_client(world.principal).get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert field in body["errors"]


@pytest.mark.parametrize("persona", READERS)
def test_query_count_does_not_grow_with_the_page(world, persona, django_assert_max_num_queries) -> None:
    client = api_client(getattr(world, persona))
    open_case(world.classroom, by=world.owner)
    # The scope, the page, the count, and at most five reads of names (people, cases, pupils,
    # visits, schools) for the readable fields, however many events.
    with django_assert_max_num_queries(11):
        few = client.get(URL)
    for i in range(20):
        audit_record(action="case.viewed", actor=world.owner, school_id=world.school.pk, detail={"i": i})
    with django_assert_max_num_queries(11):
        many = client.get(URL)
    assert many.json()["count"] > few.json()["count"]


def test_the_schema_documents_the_filters(world) -> None:
    schema = api_client(world.principal).get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/audit/events/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"school", "case", "actor", "action", "since", "until", "page", "page_size"} <= names
    assert {"200", "400", "401", "403"} <= set(operation["responses"])


def test_a_vice_principal_reads_their_school_and_an_inactive_inspector_nothing(world, trail) -> None:
    vice = UserFactory.create(username="vice")
    MembershipFactory.create(user=vice, school=world.school, role=Membership.Role.VICE_PRINCIPAL)
    assert ids(api_client(vice).get(URL)) == trail.ids(school="A")
    BureauMembership.objects.filter(user=world.inspector).update(is_active=False)
    assert api_client(world.inspector).get(URL).status_code == 403


def test_the_superuser_flag_gives_nothing(world, trail) -> None:
    boss = UserFactory.create(username="root", is_superuser=True, is_staff=True)
    assert api_client(boss).get(URL).status_code == 403
