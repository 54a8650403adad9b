"""The evidence document as an XLSX workbook (and, through ``documents.pdf``, as a PDF).

Every text cell goes through ``core.csv.neutralise``: a pupil's goals that start with "="
must stay text in Excel (CSV/formula injection, OWASP).
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from core.csv import neutralise
from evidence.document import Cell, EvidenceDocument, cell_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
_SHEET_NAME_UNSAFE = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def _xlsx_cell(value: Cell) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _sheet_title(title: str, used: set[str]) -> str:
    base = title.translate(_SHEET_NAME_UNSAFE)[:28] or "sheet"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base[:26]}{n}"
    used.add(name)
    return name


def xlsx_bytes(document: EvidenceDocument) -> bytes:
    """One summary sheet (title, facts, rows per section), then one sheet per section."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    used: set[str] = set()
    bold = Font(bold=True)
    summary.title = _sheet_title(document.title, used)
    summary.append([_xlsx_cell(document.title)])
    summary["A1"].font = Font(bold=True, size=14)
    for label, value in document.facts:
        summary.append([_xlsx_cell(label), _xlsx_cell(value)])
    summary.append([])
    for section in document.sections:
        summary.append([_xlsx_cell(section.title), len(section.rows)])
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 36
    for section in document.sections:
        sheet = workbook.create_sheet(_sheet_title(section.title, used))
        sheet.append([_xlsx_cell(section.title)])
        sheet["A1"].font = bold
        for paragraph in section.paragraphs:
            sheet.append([_xlsx_cell(paragraph)])
        if section.columns:
            sheet.append([_xlsx_cell(column) for column in section.columns])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        for row in section.rows:
            sheet.append([_xlsx_cell(cell) for cell in row])
        if not section.rows and section.empty_text:
            sheet.append([_xlsx_cell(section.empty_text)])
        for index in range(len(section.columns)):
            sheet.column_dimensions[chr(ord("A") + index)].width = 18
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def pdf_bytes(document: EvidenceDocument) -> bytes:
    """The document laid out by ``documents.pdf`` (A4, the CJK font embedded)."""
    from documents import pdf

    sections = [pdf.Section(heading=_("About this file"), blocks=[pdf.Fields(items=document.facts)])]
    for section in document.sections:
        blocks: list[pdf.Text | pdf.Fields | pdf.Grid] = [pdf.Text(text) for text in section.paragraphs]
        if section.rows:
            blocks.append(
                pdf.Grid(
                    header=section.columns,
                    rows=[[cell_text(cell) for cell in row] for row in section.rows],
                    widths=section.widths,
                )
            )
        elif section.empty_text:
            blocks.append(pdf.Text(section.empty_text, muted=True))
        sections.append(pdf.Section(heading=section.title, blocks=blocks))
    return pdf.build_pdf(title=document.title, sections=sections, subject=document.title)
