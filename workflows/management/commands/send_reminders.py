"""``manage.py send_reminders [--today YYYY-MM-DD]``: the reminder run, for sites using cron."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.reminders import reminders_send


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be a date like 2026-03-01, not {value!r}") from exc


class Command(BaseCommand):
    help = "Send due-soon and overdue reminders and escalations (each once only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=str, default=None, help="Run as of this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options["today"] else None
        run = reminders_send(today=today)
        self.stdout.write(
            f"{run.today.isoformat()}: {run.upcoming} due soon, {run.overdue} overdue, "
            f"{run.escalations} escalations ({len(run.escalated_tasks)} tasks)"
        )
