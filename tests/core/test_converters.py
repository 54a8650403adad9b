"""Ids in paths are bounded to the database's range (core.converters): an id no row can have is a
404 on every route, never a 500; the notes' paths take any id and audit the probe."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from audit.models import AuditEvent
from core.converters import BIGINT_MAX
from tests.api.helpers import api_client
from tests.conftest import World
from tests.core.routes import routes

# The routes whose view audits every attempt, even on an id no case can have (casework/notes.py).
AUDITED = {
    "cases/<audited_id:pk>/notes/",
    "api/v1/cases/<audited_id:case_id>/notes/",
    "care/cases/<audited_id:pk>/counselling/new/",
    "api/v1/cases/<audited_id:case_id>/counselling-sessions/",
}


def test_every_number_in_our_paths_goes_through_the_bounded_converter() -> None:
    ours = [route for route in routes() if route.ours]
    assert len(ours) > 150
    for route in ours:
        converters = {converter for converter, _name in route.converters}
        assert "int" not in converters, route.route
        if "audited_id" in converters:
            assert route.route in AUDITED, route.route
    assert {route.route for route in ours if "audited_id" in route.route} == AUDITED


@pytest.mark.smoke
def test_the_largest_id_resolves_and_the_next_one_does_not() -> None:
    assert resolve(f"/cases/{BIGINT_MAX}/").kwargs == {"pk": BIGINT_MAX}
    with pytest.raises(Resolver404):
        resolve(f"/cases/{BIGINT_MAX + 1}/")
    with pytest.raises(Resolver404):
        resolve(f"/cases/{10**30}/")
    assert reverse("casework:case_detail", args=[BIGINT_MAX]) == f"/cases/{BIGINT_MAX}/"


@pytest.mark.parametrize("big", [BIGINT_MAX + 1, 2**64, 10**30])
def test_an_id_past_the_range_is_a_404_on_every_route(world: World, big: int) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.principal)
    checked = 0
    for route in routes():
        if not route.ours or not any(c in {"id", "audited_id"} for c, _n in route.converters):
            continue
        response = client.get(route.path(id=big, audited_id=big))
        assert response.status_code == 404, (route.route, response.status_code)
        if route.route.startswith("api/"):
            assert response["Content-Type"] == "application/json", route.route
        checked += 1
    assert checked > 90


@pytest.mark.parametrize(
    ("method", "url", "data", "action"),
    [
        ("get", "/cases/{}/notes/", None, "note.read_refused"),
        ("post", "/cases/{}/notes/", {"content": "x"}, "note.write_refused"),
        ("get", "/care/cases/{}/counselling/new/", None, "note.write_refused"),
        ("get", "/api/v1/cases/{}/notes/", None, "note.read_refused"),
        ("post", "/api/v1/cases/{}/notes/", {"content": "x"}, "note.write_refused"),
        (
            "post",
            "/api/v1/cases/{}/counselling-sessions/",
            {"held_on": "2026-11-02", "attendance": "missed"},
            "note.write_refused",
        ),
    ],
)
def test_a_notes_probe_past_the_range_is_refused_and_audited(
    world: World, method: str, url: str, data: dict[str, str] | None, action: str
) -> None:
    big = 2**64
    if url.startswith("/api/"):
        response = getattr(api_client(world.counsellor), method)(url.format(big), data, format="json")
    else:
        client = Client()
        client.force_login(world.counsellor)
        response = getattr(client, method)(url.format(big), data or {})
    assert response.status_code == 404
    event = AuditEvent.objects.get(action=action)
    assert event.actor == world.counsellor
    assert event.case_id is None and event.school_id is None
    assert event.detail["reason"] == "not_visible" and event.detail["case_id"] == str(big)
