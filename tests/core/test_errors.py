"""The kernel's domain errors: each has its status and stable code (that every code the apps
raise is listed is tests/api/test_schema.py::test_every_error_code_raised_is_documented)."""

from __future__ import annotations

import pytest

from core.errors import Conflict, DomainError, ErrorCode, Forbidden, Invalid, NotFound


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (NotFound("x"), 404, "not_found"),
        (Forbidden("x"), 403, "permission_denied"),
        (Conflict("x"), 409, "conflict"),
        (Invalid("x", errors={"f": ["bad"]}), 400, "invalid"),
    ],
)
def test_each_error_has_its_status_and_code(error: DomainError, status: int, code: str) -> None:
    assert (error.status, error.code, error.message) == (status, code, "x")


@pytest.mark.smoke
def test_a_code_given_replaces_the_default() -> None:
    assert Conflict("x", code=ErrorCode.INVALID_STATE).code == "invalid_state"
    assert Invalid("x", errors={"f": ["bad"]}).errors == {"f": ["bad"]}
