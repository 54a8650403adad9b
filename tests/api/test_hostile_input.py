"""Input that used to end in a 500 is a 400 everywhere: a NUL character in a path or a query
parameter (core.middleware.RejectNulMiddleware), and a JSON body nested too deeply or holding a
NUL character (core.api.JSONParser). Each is tried on every operation of the schema and every
page, so an endpoint added later is covered too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from audit.models import AuditEvent
from casework.models import Case
from core.parsers import MAX_JSON_DEPTH
from tests.api.helpers import api_client
from tests.api.test_errors import assert_error
from tests.builders import open_case
from tests.conftest import World
from tests.core.routes import routes

WRITES = {"post", "put", "patch"}
DEEP = "[" * 100_000 + "]" * 100_000


def _schema(world: World) -> dict[str, Any]:
    response = api_client(world.principal).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(schema: dict[str, Any]):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield _filled(path), method, operation


def _filled(path: str) -> str:
    """Path parameters: 1 (ids), or a word (the transition names)."""
    parts = []
    for part in path.split("/"):
        if part.startswith("{"):
            parts.append("approve" if part == "{name}" else "1")
        else:
            parts.append(part)
    return "/".join(parts)


# --- NUL in the address ----------------------------------------------------------------------


@pytest.mark.smoke
def test_the_reported_nul_addresses_are_400s(world: World) -> None:
    response = api_client(world.principal).get("/api/v1/sixones/completion/?school=%00")
    assert_error(response, 400, "invalid")
    client = Client()
    client.force_login(world.principal)
    for url in ("/reports/schools/%00/", "/reports/schools/%00/export.csv", "/sixones/completion/%00/"):
        page = client.get(url)
        assert page.status_code == 400, url
        assert 'data-page="invalid"' in page.content.decode()


def test_nul_in_each_query_parameter_of_every_operation_is_a_400(world: World) -> None:
    client = api_client(world.principal)
    tried = 0
    for path, method, operation in _operations(_schema(world)):
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for name in [*names, "unknown"]:
            for value in ("%00", "a%00b"):
                response = getattr(client, method)(f"{path}?{name}={value}")
                assert_error(response, 400, "invalid")
            tried += 1
        # In a parameter's name, too.
        assert_error(getattr(client, method)(f"{path}?a%00=1"), 400, "invalid")
    assert tried > 150


def test_nul_in_a_path_part_is_a_400_on_every_page_and_endpoint(world: World) -> None:
    client = Client()
    client.force_login(world.principal)
    for route in routes():
        if not route.ours or route.route.startswith("api/"):
            continue
        path = route.path()
        response = client.get(f"{path}?q=%00")
        assert response.status_code == 400, path
        if "<str:" in route.route:
            response = client.get(route.path(str="A%00"))
            assert response.status_code == 400, route.route
    assert_error(api_client(world.principal).get("/api/v1/cases/%00/"), 400, "invalid")


# --- JSON bodies -----------------------------------------------------------------------------


@pytest.mark.smoke
def test_deeply_nested_json_needs_no_login_to_be_a_400_not_a_500(db: None) -> None:
    response = Client().post("/api/v1/auth/token/", data=DEEP, content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_deeply_nested_json_is_a_400_on_every_operation_that_takes_a_body(world: World) -> None:
    client = api_client(world.principal)
    tried = 0
    for path, method, _operation in _operations(_schema(world)):
        if method not in WRITES:
            continue
        response = getattr(client, method)(path, data=DEEP, content_type="application/json")
        # A view that checks access first answers 404 or 403 before it reads the body.
        assert response.status_code in {400, 403, 404, 415}, (method, path, response.status_code)
        body = assert_error(response, response.status_code)
        if response.status_code == 400:
            assert body["code"] == "parse_error", (method, path)
        tried += 1
    assert tried > 30


def test_nesting_deeper_than_the_limit_is_refused_and_shallower_is_read(world: World) -> None:
    client = api_client(world.owner)

    def nested(depth: int) -> str:
        return '{"pupil": 1, "categories": ["poverty"], "summary": "x", "extra": ' + (
            "[" * (depth - 1) + "]" * (depth - 1) + "}"
        )

    response = client.post("/api/v1/cases/", data=nested(MAX_JSON_DEPTH + 1), content_type="application/json")
    assert_error(response, 400, "parse_error")
    # Within the limit the body is read, and the serializer judges it (an unknown pupil here).
    response = client.post("/api/v1/cases/", data=nested(MAX_JSON_DEPTH - 1), content_type="application/json")
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize(
    "body",
    [
        {"pupil": 1, "categories": ["poverty"], "summary": "a\x00b"},
        {"pupil": 1, "categories": ["poverty\x00"], "summary": "x"},
        {"pupil": 1, "categories": ["poverty"], "summary": "x", "k\x00": 1},
    ],
)
def test_a_nul_character_in_a_json_body_is_a_400(world: World, body: dict[str, Any]) -> None:
    response = api_client(world.owner).post(
        "/api/v1/cases/", data=json.dumps(body), content_type="application/json"
    )
    assert_error(response, 400, "parse_error")
    assert Case.objects.count() == 0


def test_a_nul_character_in_the_user_agent_is_dropped_from_the_trail(world: World) -> None:
    case = open_case(world.classroom, by=world.owner)
    client = Client(HTTP_USER_AGENT="curl\x00/8")
    client.force_login(world.owner)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert AuditEvent.objects.get(action="case.viewed").user_agent == "curl/8"
