"""Path converters. ``<id:name>`` is ``<int:name>`` bounded to a BigAutoField's range, so that an
id no row can have (2^63 and above) is a 404 at the URL, before any query sees it. Every path of
ours takes its ids, and its other whole numbers, through it (tests/core/test_converters.py)."""

from __future__ import annotations

BIGINT_MAX = 2**63 - 1


class IdConverter:
    # At most 19 digits: 9,223,372,036,854,775,807 has 19; to_python refuses the larger ones.
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > BIGINT_MAX:
            raise ValueError(value)  # the pattern does not match: the resolver goes on, then 404s
        return number

    def to_url(self, value: int | str) -> str:
        number = int(value)
        if not 0 <= number <= BIGINT_MAX:
            raise ValueError(value)
        return str(number)


class AuditedIdConverter:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(int(value))
