"""Domain errors that leave a page view become our own pages (core.middleware), never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from config import urls as project_urls
from core.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import World


def _raiser(error: Exception) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        raise error

    return view


urlpatterns = [
    path("raise/not-found/", _raiser(NotFound("gone"))),
    path("raise/forbidden/", _raiser(Forbidden("Only the principal may do this."))),
    path("raise/conflict/", _raiser(Conflict("The case moved on."))),
    path("raise/invalid/", _raiser(Invalid("Bad date."))),
    path("", include("config.urls")),
]


@pytest.fixture
def client(world: World) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(world.owner)
    return client


@pytest.mark.smoke
@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("url", "status", "page", "text"),
    [
        ("/raise/forbidden/", 403, "forbidden", "Only the principal may do this."),
        ("/raise/conflict/", 409, "conflict", "The case moved on."),
        ("/raise/invalid/", 400, "invalid", "Bad date."),
        ("/raise/not-found/", 404, "not-found", "不存在"),
    ],
)
def test_domain_errors_become_our_pages(client: Client, url: str, status: int, page: str, text: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    body = response.content.decode()
    assert f'data-page="{page}"' in body
    assert text in body
    assert 'href="/accounts/home/"' in body  # the way back


@pytest.mark.smoke
def test_an_unknown_page_is_our_chinese_404(client: Client) -> None:
    response = client.get("/cases/999999/")
    assert response.status_code == 404
    assert 'data-page="not-found"' in response.content.decode()


@pytest.mark.smoke
def test_a_refused_page_shows_the_reason_on_the_one_403_page(world: World) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.owner)
    response = client.get("/inspections/new/")
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-page="forbidden"' in body
    assert "inspectors" in body


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# A URLconf with the project's error handlers (config.urls) and one view that fails.
class ServerErrorUrls:
    """A URLconf (a hashable object with urlpatterns) with the project's error handlers."""

    urlpatterns = [path("raise/bug/", _boom), path("", include("config.urls"))]
    handler500 = project_urls.handler500


@override_settings(ROOT_URLCONF=ServerErrorUrls, DEBUG=False)
def test_a_bug_gives_our_500_page_with_a_way_back(world: World) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", raise_request_exception=False)
    client.force_login(world.owner)
    response = client.get("/raise/bug/", headers={"referer": "http://testserver/cases/?q=x"})
    assert response.status_code == 500
    body = response.content.decode()
    assert 'data-page="server-error"' in body and '<html lang="zh-hans">' in body
    assert 'href="/accounts/home/" data-link="home">首页</a>' in body
    assert 'href="/cases/?q=x" data-link="back"' in body
    assert "Server Error (500)" not in body and "a bug" not in body


@override_settings(ROOT_URLCONF=ServerErrorUrls, DEBUG=False)
def test_the_500_page_needs_no_session_nor_context_processors(db: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    response = client.get("/raise/bug/", headers={"referer": "https://elsewhere.example/page/"})
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and 'href="/accounts/home/"' in body
    assert "elsewhere.example" not in body  # a way back only to a page of this site


@override_settings(DEBUG=False)
def test_a_missing_page_is_our_404_in_chinese_with_a_way_back(db: None) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.get("/no/such/page/", headers={"referer": "http://testserver/visits/"})
    assert response.status_code == 404
    body = response.content.decode()
    assert 'data-page="not-found"' in body and "未找到" in body and "不存在" in body
    assert "Not Found" not in body and "The requested resource" not in body
    assert 'href="/visits/" data-link="back">← 返回</a>' in body
    assert 'href="/accounts/home/" data-link="home">首页</a>' in body


@override_settings(DEBUG=False)
def test_the_way_back_is_never_a_protocol_relative_or_odd_path(db: None) -> None:
    """A referer of this host whose path reads as another host (``//evil``, ``/\\evil``) gives no
    back link, on the 404 and the 500 page."""
    for referer in (
        "http://testserver//evil.example/x",
        "http://testserver/\\evil.example/x",
    ):
        client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
        missing = client.get("/no/such/page/", headers={"referer": referer}).content.decode()
        assert 'data-link="back"' not in missing and "evil.example" not in missing, referer
    with override_settings(ROOT_URLCONF=ServerErrorUrls):
        client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
        failed = client.get("/raise/bug/", headers={"referer": "http://testserver//evil.example/x"})
        assert failed.status_code == 500 and "evil.example" not in failed.content.decode()
