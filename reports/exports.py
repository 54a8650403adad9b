"""The report as a CSV file: the figures exactly as shown, one per line."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.csv import neutralise

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from reports.build import Report


def csv_rows(report: Report) -> Iterable[list[str]]:
    """The report as rows of (section, table, row, column, value): the figures exactly as shown."""
    yield [_("Section"), _("Table"), _("Row"), _("Column"), _("Value")]
    for section in report.sections:
        for table in section.tables:
            for row in [*table.rows, *([table.total] if table.total else [])]:
                for column, cell in zip(table.columns, row.cells, strict=True):
                    yield [section.title, table.caption, row.label, column, cell.text]
        if section.cases:
            for case in section.cases:
                label = _("Case %(id)s") % {"id": case.case_id}
                yield [section.title, _("Waiting cases"), label, _("Class"), case.class_label]
                yield [section.title, _("Waiting cases"), label, _("Days waiting"), str(case.days)]


def csv_write(report: Report, out: SupportsWrite[str]) -> None:
    out.write("\ufeff")  # the BOM: spreadsheet programs then read the file as UTF-8
    writer = csv.writer(out)
    for row in csv_rows(report):
        writer.writerow([neutralise(str(value)) for value in row])


def csv_filename(report: Report) -> str:
    """``report-<school or bureau code>[-<year>].csv``, in characters safe in any file system."""
    code = report.school.code if report.school else report.bureau.code
    year = f"-{report.year.name}" if report.year else ""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", f"report-{code}{year}.csv")
