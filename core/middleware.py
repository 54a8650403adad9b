"""Domain errors that leave a page view become our own error pages: NotFound → the 404 page,
Forbidden → the 403 page with the reason, Conflict → the 409 page, Invalid → the 400 page.

Views still catch Invalid and Conflict where a form is, so that nothing typed is lost; this is
the floor under them, so that no domain error ever reaches the user as a 500. API views never get
here: DRF's exception handler (core.api) answers them in JSON first."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

PAGES: dict[type[DomainError], str] = {Forbidden: "403.html", Conflict: "409.html", Invalid: "400.html"}


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            # Django's own 404 handling (our 404.html), as for any Http404.
            raise Http404(exception.message) from exception
        for kind, template in PAGES.items():
            if isinstance(exception, kind):
                return render(request, template, {"message": exception.message}, status=exception.status)
        return None
