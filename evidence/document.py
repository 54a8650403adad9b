"""The neutral shape of an evidence file: a title, facts about whose file it is, and sections of
rows or paragraphs. Section functions build it once; the XLSX, PDF and JSON renderers read it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# What a cell may hold: renderers turn dates into ISO text and keep numbers as numbers.
Cell = str | int | Decimal | datetime.date | None


@dataclass
class Section:
    """One heading of the file: a table (columns + rows) and/or paragraphs."""

    key: str  # stable, for the JSON and the tests
    title: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    empty_text: str = ""  # shown when there are no rows
    widths: list[float] | None = None  # relative column widths for the PDF (long texts wider)


@dataclass
class EvidenceDocument:
    title: str
    facts: list[tuple[str, str]]  # (label, value): whose file, which year, who made it and when
    sections: list[Section]
    file_stem: str  # the download's name without extension (may be Chinese)

    @property
    def row_count(self) -> int:
        return sum(len(section.rows) for section in self.sections)


def cell_text(value: Cell) -> str:
    """A cell as text for the PDF and the JSON."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def as_json(document: EvidenceDocument) -> dict[str, Any]:
    return {
        "title": document.title,
        "facts": [{"label": label, "value": value} for label, value in document.facts],
        "row_count": document.row_count,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "columns": section.columns,
                "rows": [
                    [cell if isinstance(cell, int) else cell_text(cell) for cell in row]
                    for row in section.rows
                ],
                "paragraphs": section.paragraphs,
            }
            for section in document.sections
        ],
    }
