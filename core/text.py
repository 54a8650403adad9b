"""Small text helpers shared by services."""

from __future__ import annotations

from typing import Any


def clean_text(value: Any) -> str:
    """A submitted value as text without surrounding white space ("" for None)."""
    return str(value or "").strip()
