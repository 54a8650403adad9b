"""Spreadsheet safety for every export (CSV and XLSX)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Text that a spreadsheet would take for a formula, made plain text."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
