"""``manage.py import_roster FILE --school CODE [--kind pupils|staff]``: import a roster file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from tqdm import tqdm

from schools.models import School
from schools.roster.parsing import KINDS, PUPILS
from schools.roster.services import ImportReport, roster_import
from schools.roster.validation import CHECKING, SAVING


class Command(BaseCommand):
    help = (
        "Import pupils with their guardians, or staff, from an .xlsx or .csv file with Chinese headings. "
        "Every row is checked first; a file with any bad row imports nothing. See docs/roster-import.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument("--school", required=True, help="The school's code (School.code).")
        parser.add_argument(
            "--kind",
            choices=KINDS,
            default=None,
            help="What the file lists; detected from the headings when left out.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            school = School.objects.get(code=options["school"])
        except School.DoesNotExist:
            raise CommandError(
                _("There is no school with the code %(code)s.") % {"code": options["school"]}
            ) from None
        try:
            size = path.stat().st_size
            if size > settings.WANJIA_ROSTER_MAX_BYTES:
                raise CommandError(
                    _("The file is larger than %(size)s.")
                    % {"size": filesizeformat(settings.WANJIA_ROSTER_MAX_BYTES)}
                )
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("The file %(file)s cannot be read: %(error)s") % {"file": path, "error": exc.strerror}
            ) from exc

        bars: dict[str, tqdm[Any]] = {}
        labels = {CHECKING: _("Checking"), SAVING: _("Saving")}

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                for other in bars.values():
                    other.close()
                # disable=None: no bar when stderr is not a terminal (logs, cron).
                bar = bars[stage] = tqdm(
                    total=total,
                    file=sys.stderr,
                    unit=_("rows"),
                    desc=labels.get(stage, stage),
                    disable=None if options["verbosity"] >= 1 else True,
                )
            bar.update(done - bar.n)

        try:
            report = roster_import(
                school=school, kind=options["kind"], uploaded_name=path.name, data=data, progress=progress
            )
        finally:
            for bar in bars.values():
                bar.close()

        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(_("%(file)s was refused; nothing was imported.") % {"file": path.name})
        self._print(report, school)

    def _print(self, report: ImportReport, school: School) -> None:
        heading = (
            _("Pupils imported into %(school)s.")
            if report.kind == PUPILS
            else _("Staff imported into %(school)s.")
        )
        counts = _("%(created)s new, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        self.stdout.write(self.style.SUCCESS(f"{heading % {'school': school.name}} {counts}"))
        if report.new_classrooms:
            self.stdout.write(_("New classes: %(classes)s") % {"classes": ", ".join(report.new_classrooms)})
        if report.ignored_columns:
            self.stdout.write(
                _("Ignored columns: %(columns)s") % {"columns": ", ".join(report.ignored_columns)}
            )
        if report.kind != PUPILS and report.created:
            self.stdout.write(
                _(
                    "New accounts have no password yet: set one in the admin or with "
                    "“manage.py changepassword USERNAME”."
                )
            )
