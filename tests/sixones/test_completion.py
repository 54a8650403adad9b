"""Completion per teacher, class, school and city: right numbers, same numbers in the tables and
the API, a constant number of queries, and only for the people who may read it."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import api_client
from tests.builders import open_case
from tests.casework.helpers import add_staff
from tests.sixones.helpers import act, campaign, essay, meeting


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_school_and_city_completion(world, client) -> None:
    year = campaign(world)
    owner, colleague = world.owner, world.colleague
    open_case(world.classroom, by=colleague)  # colleague pairs with a pupil of the owner's class
    for step in (essay, lambda u: meeting(u, [u]), lambda u: act(world, u)):
        step(owner)
    essay(world.outsider)

    client.force_login(world.principal)
    url = f"/sixones/completion/{world.school.code}/?year={year.year}"
    small = _queries(client, url)
    for n in range(4):  # more teachers with more records: not one query more
        teacher = add_staff(f"t{n}", world.school)
        essay(teacher)
        open_case(world.classroom, by=teacher)
    assert _queries(client, url) == small

    body = api_client(world.principal).get(f"/api/v1/sixones/completion/?school=A&year={year.year}").json()
    assert body["total"]["teachers"] == 6  # owner, colleague, t0..t3 (the principal is no teacher)
    assert body["total"]["per_item"]["essay"] == 5 and body["total"]["per_item"]["pairing"] == 5
    teachers = {row["name"]: row for row in body["teachers"]}
    assert teachers[owner.full_name]["flags"] == {
        "plan": False,
        "handbook": False,
        "essay": True,
        "meeting": True,
        "pairing": False,
        "act": True,
    }
    # The owner's class: its class teacher (owner) and the paired teachers of its pupils (all).
    [klass] = body["classes"]
    assert klass["teachers"] == 6 and klass["per_item"]["meeting"] == 1

    html = client.get(url).content.decode()
    assert '<svg class="chart"' in html and 'data-table="teachers"' in html
    assert f'data-teacher="{owner.username}" data-done="3"' in html

    client.force_login(world.inspector)
    city = f"/sixones/completion/city/?year={year.year}"
    few = _queries(client, city)
    add_staff("t9", world.other_school)
    assert _queries(client, city) == few
    html = client.get(city).content.decode()
    assert 'data-group="A"' in html and 'data-group="B"' in html
    body = api_client(world.inspector).get("/api/v1/sixones/completion/").json()
    assert [s["key"] for s in body["schools"]] == ["A", "B"]
    assert body["schools"][1]["per_item"]["essay"] == 1  # the outsider's essay, at school B
    assert client.get(url).status_code == 200  # inspectors read every school of the bureau


def test_completion_refused(world, client) -> None:
    campaign(world)
    url = f"/sixones/completion/{world.school.code}/"
    for persona, status in (("colleague", 403), ("outsider", 404), ("counsellor", 403), ("admin", 200)):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == status, persona
        assert client.get("/sixones/completion/city/").status_code == 403
        api = api_client(getattr(world, persona)).get("/api/v1/sixones/completion/?school=A")
        assert api.status_code == status and (status == 200 or api.json()["code"])
    client.force_login(world.principal)
    assert client.post(url).status_code == 405
    assert client.get("/sixones/completion/nope/").status_code == 404
    assert client.get(f"{url}?year=1999").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert api_client().get("/api/v1/sixones/completion/").status_code == 401
