"""Minors' data in transit and in the browser (docs/security.md, "In transit and in the browser"):
no answer about a pupil is cached, every answer carries the Content-Security-Policy, no template
of ours holds inline script or style, and the API's schema and docs are for signed-in users."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.test import Client, RequestFactory

from core.middleware import NoStoreMiddleware
from tests.api.helpers import api_client
from tests.builders import open_case
from tests.conftest import World
from tests.core.routes import routes
from tests.core.transit_checks import POLICY, inline_code, never_cached, policy

# --- templates ---------------------------------------------------------------------------------


def template_files() -> list[Path]:
    """Every template of ours: templates/ and each app's templates/ directory."""
    roots = [Path(d) for d in engines["django"].dirs]
    roots += [Path(settings.BASE_DIR) / app / "templates" for app in _our_apps()]
    return sorted(path for root in roots if root.is_dir() for path in root.rglob("*.html"))


def _our_apps() -> list[str]:
    base = Path(settings.BASE_DIR)
    return [app.split(".")[0] for app in settings.INSTALLED_APPS if (base / app.split(".")[0]).is_dir()]


@pytest.mark.smoke
def test_no_template_of_ours_holds_inline_script_or_style() -> None:
    files = template_files()
    assert len(files) > 80
    found = {str(path): inline_code(path.read_text()) for path in files}
    assert {path: kinds for path, kinds in found.items() if kinds} == {}


@pytest.mark.smoke
def test_the_inline_code_finder_finds_what_the_policy_blocks() -> None:
    assert inline_code('<script src="/static/x.js"></script><a href="/x" data-on="1">x</a>') == []
    for html in (
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        '<button type="button" onclick="go()">',
        '<body onload="x()">',
        '<a href="javascript:go()">',
        "<style>p {}</style>",
        '<p class="x" style="color: red">',
    ):
        assert inline_code(html), html


# --- headers on every route --------------------------------------------------------------------


@pytest.fixture
def principal(world: World) -> Client:
    open_case(world.classroom, by=world.owner)  # a case, a pupil, a visit's worth of ids
    client = Client(raise_request_exception=False)
    client.force_login(world.principal)
    return client


def test_every_page_and_endpoint_is_never_cached_and_carries_the_policy(principal: Client) -> None:
    """Whatever the answer (200, 404, 405, a redirect), to a signed-in user: no-store and the CSP."""
    checked = 0
    for route in routes():
        if not route.ours and not route.route.startswith(("api/", "admin/")):
            continue
        response = principal.get(route.path())
        assert never_cached(response), (route.route, response.status_code, response.get("Cache-Control"))
        assert policy(response) == POLICY, route.route
        checked += 1
    assert checked > 200


def test_every_api_answer_is_never_cached_signed_in_or_not(world: World) -> None:
    case = open_case(world.classroom, by=world.owner)
    for client in (api_client(world.principal), api_client()):
        for url in (
            "/api/v1/cases/",
            f"/api/v1/cases/{case.pk}/",
            f"/api/v1/cases/{case.pk}/notes/",
            f"/api/v1/pupils/{case.pupil_id}/",
            "/api/v1/visits/",
            "/api/v1/audit/events/",
            "/api/v1/no-such-thing/",
        ):
            response = client.get(url)
            assert never_cached(response), (url, response.status_code)
    # The token itself is never cached either.
    world.owner.set_password("pw")
    world.owner.save()
    response = api_client().post(
        "/api/v1/auth/token/", {"username": "owner", "password": "pw"}, format="json"
    )
    assert response.status_code == 200 and never_cached(response)


def test_anonymous_pages_are_not_marked_but_carry_the_policy(db: None) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Cache-Control" not in response
    assert policy(response) == POLICY
    # The login page is never cached by its own view (it holds the CSRF token).
    response = Client().get("/accounts/login/")
    assert response.status_code == 200 and never_cached(response) and policy(response) == POLICY


@pytest.mark.smoke
def test_static_files_keep_their_caching() -> None:
    """WhiteNoise answers static files before the middleware in production; in the local demo
    Django's static view is behind it, and its answers are left alone by their prefix."""

    def static_view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("body {}", content_type="text/css")
        response["Cache-Control"] = "max-age=60, public"
        return response

    middleware = NoStoreMiddleware(static_view)
    request = RequestFactory().get("/static/css/wanjia.css")
    request.user = type("SignedIn", (), {"is_authenticated": True})()
    assert middleware(request)["Cache-Control"] == "max-age=60, public"
    request = RequestFactory().get("/cases/")
    request.user = AnonymousUser()
    assert "Cache-Control" not in NoStoreMiddleware(lambda r: HttpResponse())(request)


def test_the_production_middleware_puts_whitenoise_before_the_cache_headers() -> None:
    source = (Path(settings.BASE_DIR) / "config/settings/production.py").read_text()
    assert (
        'MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]'
        in source
    )
    assert settings.MIDDLEWARE[0] == "django.middleware.security.SecurityMiddleware"
    assert settings.MIDDLEWARE[1] == "core.middleware.NoStoreMiddleware"


# --- the schema and the docs page --------------------------------------------------------------


@pytest.mark.smoke
def test_the_schema_and_the_docs_are_for_signed_in_users(world: World) -> None:
    response = api_client().get("/api/v1/schema/?format=json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    for url in ("/api/v1/docs/", "/api/v1/docs/?script="):
        redirect = Client().get(url)
        assert redirect.status_code == 302
        assert redirect["Location"].startswith("/accounts/login/?next=/api/v1/docs/")
    assert api_client(world.owner).get("/api/v1/schema/?format=json").status_code == 200
    client = Client()
    client.force_login(world.owner)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200 and inline_code(page.content.decode()) == []
    assert policy(page) == POLICY and never_cached(page)


@pytest.mark.smoke
def test_the_policy_allows_no_inline_code_and_no_eval() -> None:
    """The script layer (static/js/) works under the strict policy: nothing inline is allowed."""
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name, sources in directives.items():
        assert not any("unsafe" in str(source) for source in sources), name
    assert POLICY["script-src"] == "'self'" and POLICY["style-src"] == "'self'"
