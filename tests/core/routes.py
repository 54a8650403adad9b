"""Every URL pattern of the project, as a route string and a path one can request.

Tests that must hold for every page and endpoint (ids bounded, headers on every answer) walk
this list, so a route added later is covered without anyone remembering to add it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# The packages whose routes are not ours (the admin, the language switch, the schema views).
FOREIGN = ("django.", "rest_framework.", "drf_spectacular.", "django_otp.")


@dataclass(frozen=True)
class Route:
    route: str  # "cases/<id:pk>/notes/", parameters as written
    module: str  # the module of the view
    name: str | None

    @property
    def converters(self) -> list[tuple[str, str]]:
        return [(m["converter"] or "str", m["name"]) for m in PARAMETER.finditer(self.route)]

    @property
    def ours(self) -> bool:
        return not self.module.startswith(FOREIGN)

    def path(self, **values: object) -> str:
        """The route with each parameter replaced: by ``values[name]``, else by a sample."""
        samples = {"id": 1, "audited_id": 1, "int": 1, "slug": "x", "str": "x", "path": "x"}

        def fill(match: re.Match[str]) -> str:
            name, converter = match["name"], match["converter"] or "str"
            return str(values.get(name, values.get(converter, samples[converter])))

        return "/" + PARAMETER.sub(fill, self.route)


def _walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern.pattern, RoutePattern):
            route = prefix + str(pattern.pattern)
        elif isinstance(pattern.pattern, RegexPattern):
            regex = pattern.pattern.regex.pattern.lstrip("^").rstrip("$")
            if re.search(r"[\\(\[|*+?{]", regex):
                continue  # a real regular expression (the API's catch-all, the admin's): no sample path
            route = prefix + regex
        else:  # pragma: no cover - LocalePrefixPattern is not used here
            continue
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            callback = pattern.callback
            module = getattr(callback, "view_class", callback).__module__
            yield Route(route=route, module=module, name=pattern.name)


def routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, ""))
