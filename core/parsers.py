"""The API's JSON parser (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]). A module of its own: DRF reads
that setting while ``core.api`` imports ``APIView``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

# No body of ours nests deeper than a few levels; a deeper one is refused before any code walks it.
MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing (400 ``parse_error``) two bodies that would otherwise end in a
    500: nesting deep enough to exhaust Python's recursion while decoding (or deeper than
    MAX_JSON_DEPTH), and a NUL character in any string or key, which PostgreSQL stores in neither
    text nor jsonb. REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] makes it every view's JSON parser."""

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(_("JSON parse error - the body is nested too deeply.")) from exc
        _check_json(data)
        return data


def _check_json(data: Any) -> None:
    """Walk the parsed body without recursion: depth and NUL characters."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise exceptions.ParseError(_("JSON parse error - a string holds a NUL character."))
        elif isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise exceptions.ParseError(_("JSON parse error - the body is nested too deeply."))
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
