"""Middleware of the kernel.

``DomainErrorMiddleware``: domain errors that leave a page view become our own error pages:
NotFound → the 404 page, Forbidden → the 403 page with the reason, Conflict → the 409 page,
Invalid → the 400 page. Views still catch Invalid and Conflict where a form is, so that nothing
typed is lost; this is the floor under them, so that no domain error ever reaches the user as a
500. API views never get here: DRF's exception handler (core.api) answers them in JSON first.
Both announce a refused existing record (core.errors.Refusal) for the audit trail first.

``RejectNulMiddleware``: a NUL character in the path or the query string is a 400 before any
view runs.

``NoStoreMiddleware``: no answer about a pupil stays in a browser's or a proxy's cache.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from core.errors import Conflict, DomainError, ErrorCode, Forbidden, Invalid, NotFound
from core.signals import announce_refusal

PAGES: dict[type[DomainError], str] = {Forbidden: "403.html", Conflict: "409.html", Invalid: "400.html"}


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            # A refused existing record is audited (core.signals); the answer stays the same.
            announce_refusal(request=request, user=getattr(request, "user", None), error=exception)
        if isinstance(exception, NotFound):
            # Django's own 404 handling (our 404.html), as for any Http404.
            raise Http404(exception.message) from exception
        for kind, template in PAGES.items():
            if isinstance(exception, kind):
                return render(request, template, {"message": exception.message}, status=exception.status)
        return None


class RejectNulMiddleware:
    """PostgreSQL holds no NUL character in text, so a school code, a filter or a search term
    carrying one (``?school=%00``, ``/reports/schools/%00/``) would end in a 500 at the first
    query. One check here covers every path and every query parameter of every view; form fields
    and DRF's serializer fields refuse NUL themselves, and JSON bodies are core.api.JSONParser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            message = _("The address holds a character that is not allowed (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": ErrorCode.INVALID.value}, status=400)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


class NoStoreMiddleware:
    """Every answer to a signed-in request, and every answer under /api/ (token requests are
    anonymous to Django's session), is ``Cache-Control: max-age=0, no-cache, no-store,
    must-revalidate, private``: pages and JSON about pupils, cases, visits and notes must not be
    kept by the browser (the back button on a shared school computer, its disk cache) nor by a
    proxy. Static files keep their caching: WhiteNoise answers them before this middleware, and
    the local demo's static view is skipped by its prefix. A view's own stricter headers stay."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        static = str(settings.STATIC_URL or "")
        self.static_prefix = static if static.startswith(("/", "http")) else "/" + static

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.static_prefix and request.path.startswith(self.static_prefix):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
