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

from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from audit.models import AuditEvent
from audit_browser.selectors import AuditScope
from audit_browser.summaries import EventRow, audit_event_rows_chunked
from core.csv import neutralise

CHUNK_SIZE = 2000

# The columns, in the order of the file. The first sixteen keep their places for whoever reads the
# file by position; the headings are in the reader's language. The action's label, the record and
# what changed come last, for people; the action's code and the detail as JSON stay for machines.
COLUMNS: list[tuple[str, Any]] = [
    ("id", gettext_lazy("ID")),
    ("occurred_at", AuditEvent._meta.get_field("occurred_at").verbose_name),
    ("actor_id", gettext_lazy("actor id")),
    ("actor", AuditEvent._meta.get_field("actor").verbose_name),
    ("action", gettext_lazy("action code")),
    ("target_type", AuditEvent._meta.get_field("target_type").verbose_name),
    ("target_id", AuditEvent._meta.get_field("target_id").verbose_name),
    ("case_id", AuditEvent._meta.get_field("case_id").verbose_name),
    ("school", gettext_lazy("school code")),
    ("detail", gettext_lazy("detail (JSON)")),
    ("ip", AuditEvent._meta.get_field("ip").verbose_name),
    ("user_agent", AuditEvent._meta.get_field("user_agent").verbose_name),
    ("chain", AuditEvent._meta.get_field("chain").verbose_name),
    ("seq", AuditEvent._meta.get_field("seq").verbose_name),
    ("prev_hash", AuditEvent._meta.get_field("prev_hash").verbose_name),
    ("hash", AuditEvent._meta.get_field("hash").verbose_name),
    ("action_label", AuditEvent._meta.get_field("action").verbose_name),
    ("record", gettext_lazy("record")),
    ("summary", gettext_lazy("what changed")),
]


def headings() -> list[str]:
    """The first row, in the active language."""
    return [capfirst(str(label)) for _name, label in COLUMNS]


def event_row(row: EventRow) -> list[Any]:
    """One event as cells: numbers stay numbers, every text is neutralised."""
    event = row.event
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
        row.action_label,
        row.record_label,
        row.summary,
    ]
    return [neutralise(cell) if isinstance(cell, str) else ("" if cell is None else cell) for cell in cells]


def _rows(events: Iterable[AuditEvent], scope: AuditScope) -> Iterator[list[Any]]:
    yield headings()
    for row in audit_event_rows_chunked(events=events, scope=scope, chunk_size=CHUNK_SIZE):
        yield event_row(row)


def csv_stream(events: Iterable[AuditEvent], *, scope: AuditScope) -> Iterator[str]:
    """The CSV text, line by line, starting with a UTF-8 byte-order mark for Excel. Streamed after
    the view returned: the request's language is kept for the headings and labels."""
    language = translation.get_language()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    with translation.override(language):
        for row in _rows(events, scope):
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)


def xlsx_file(events: Iterable[AuditEvent], *, scope: AuditScope) -> IO[bytes]:
    """The workbook in a temporary file (write-only mode: rows are not kept in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("audit")
    for row in _rows(events, scope):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(output)
    output.seek(0)
    return output
