"""Audit events as CSV and XLSX rows, safe to open in a spreadsheet.

A cell whose text starts with =, +, -, @, a tab or a carriage return could be run as a formula
by Excel or LibreOffice (CSV injection, OWASP); such text gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from audit.models import AuditEvent
from core.csv import neutralise

CHUNK_SIZE = 2000

# Column headings stay in English: they are field names for whoever processes the file.
COLUMNS = [
    "id",
    "occurred_at",
    "actor_id",
    "actor",
    "action",
    "target_type",
    "target_id",
    "case_id",
    "school",
    "detail",
    "ip",
    "user_agent",
    "chain",
    "seq",
    "prev_hash",
    "hash",
]


def event_row(event: AuditEvent) -> list[Any]:
    """One event as cells: numbers stay numbers, every text is neutralised."""
    cells: list[Any] = [
        event.pk,
        timezone.localtime(event.occurred_at).isoformat(),
        event.actor_id,
        event.actor_label,
        event.action,
        event.target_type,
        event.target_id,
        event.case_id,
        event.school.code if event.school is not None else "",
        json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
        event.ip or "",
        event.user_agent,
        event.chain,
        event.seq,
        event.prev_hash,
        event.hash,
    ]
    return [neutralise(cell) if isinstance(cell, str) else ("" if cell is None else cell) for cell in cells]


def _rows(events: Iterable[AuditEvent]) -> Iterator[list[Any]]:
    yield list(COLUMNS)
    for event in events:
        yield event_row(event)


def csv_stream(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The CSV text, line by line, starting with a UTF-8 byte-order mark for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in _rows(events):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def xlsx_file(events: Iterable[AuditEvent]) -> IO[bytes]:
    """The workbook in a temporary file (write-only mode: rows are not kept in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("audit")
    for row in _rows(events):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(output)
    output.seek(0)
    return output
