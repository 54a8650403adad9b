"""Every error code the apps raise is one of core.errors.ErrorCode, the enum the schema lists."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from casework.rules import MESSAGES
from core.errors import Conflict, DomainError, ErrorCode, Forbidden, Invalid, NotFound

ROOT = Path(__file__).resolve().parents[2]
APPS = [p for p in ROOT.iterdir() if (p / "apps.py").exists() or p.name == "config"]
ERROR_NAMES = {"DomainError", "NotFound", "Forbidden", "Conflict", "Invalid"}


def _raised_codes() -> dict[str, str]:
    """code="..." given to a domain error anywhere in the apps: {code: where}."""
    found: dict[str, str] = {}
    for app in APPS:
        for path in app.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name not in ERROR_NAMES:
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        found[str(keyword.value.value)] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


@pytest.mark.smoke
def test_the_walk_finds_the_codes_it_should() -> None:
    # Guards the test itself: it would pass vacuously if it found nothing.
    codes = _raised_codes()
    assert {"invalid_state", "concurrent", "four_eyes"} <= set(codes)


@pytest.mark.smoke
def test_every_raised_code_is_listed() -> None:
    unlisted = {code: where for code, where in _raised_codes().items() if code not in set(ErrorCode)}
    assert unlisted == {}


@pytest.mark.smoke
def test_every_unmet_condition_code_is_listed() -> None:
    codes = {code for code, _message in MESSAGES.values()}
    assert codes
    assert codes <= set(ErrorCode)


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
