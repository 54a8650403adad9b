"""``manage.py demo``: load (or refresh) the demo organisation and print its accounts."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.translation import gettext as _

from attachments.demo import demo_attachments_build
from care.demo import demo_care_build
from casework.demo import demo_cases_build
from casework.visit_demo import demo_visits_build
from consents.demo import demo_consents_build
from inspections.demo import demo_inspections_build
from opinions.demo import demo_opinions_build
from schools.demo import DEFAULT_PASSWORD, demo_build
from sixones.demo import demo_sixones_build
from support.demo import demo_support_build

LOCAL_ORIGIN = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Load the demo bureau, schools, classes, pupils and accounts (idempotent; never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password for every demo account (default: {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.WANJIA_ENVIRONMENT == "production":
            raise CommandError(_("The demo sets known passwords and must never run in production."))
        try:
            summary = demo_build(password=options["password"], stdout=self.stdout)
            consents = demo_consents_build()
            cases = demo_cases_build()
            visits = demo_visits_build()
            inspections = demo_inspections_build()
            attachments = demo_attachments_build()
            care = demo_care_build()
            sixones = demo_sixones_build()
            ledger = demo_support_build()
            opinions = demo_opinions_build()
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

        self.stdout.write(
            _(
                "Demo ready: %(schools)d schools, %(classrooms)d classes, %(pupils)d pupils "
                "(%(special)d in a special group), %(guardians)d guardians."
            )
            % {
                "schools": summary.schools,
                "classrooms": summary.classrooms,
                "pupils": summary.pupils,
                "special": summary.special_group_pupils,
                "guardians": summary.guardians,
            }
        )
        if consents:
            self.stdout.write(_("%(count)d demo guardians' consents recorded.") % {"count": consents})
        if cases:
            self.stdout.write(_("%(count)d demo cases opened.") % {"count": cases})
        if visits:
            self.stdout.write(_("%(count)d demo home visits planned.") % {"count": visits})
        if inspections:
            self.stdout.write(_("A demo inspection, rectification and commendation recorded."))
        if attachments:
            self.stdout.write(_("%(count)d demo attachments stored.") % {"count": attachments})
        if care:
            self.stdout.write(_("Demo tutoring, counselling sessions and special-group archives recorded."))
        if sixones:
            self.stdout.write(
                _("Demo six ones recorded: essays, a parents' meeting, an act of help, a handbook.")
            )
        if ledger:
            self.stdout.write(_("School A's demo support ledger recorded (money and goods)."))
        if opinions:
            self.stdout.write(
                _("Demo parents' opinions received by phone and at a parents' meeting recorded.")
            )
        header = (_("Username"), _("Who"), _("Password"))
        rows = [(a.username, f"{a.full_name} — {a.description}", summary.password) for a in summary.accounts]
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(3)]
        self.stdout.write("")
        for index, row in enumerate([header, *rows]):
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        self.stdout.write("")
        self.stdout.write(
            _("Evidence files (Excel, PDF) of each teacher and pupil: %(url)s")
            % {"url": LOCAL_ORIGIN + reverse("evidence:index")}
        )
        self.stdout.write(
            self.style.SUCCESS(_("Log in at %(url)s") % {"url": LOCAL_ORIGIN + reverse("accounts:login")})
        )


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
