"""Apply the retention policy: ``manage.py apply_retention [--dry-run]`` (docs/retention.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import Conflict
from privacy.services import RetentionRun, retention_apply


def describe(run: RetentionRun) -> list[str]:
    """The run's counts as lines of text: ids only, never a name."""
    counts = run.counts()
    verb = "would be" if run.dry_run else "were"
    lines = [
        f"Retention policy as of {run.today.isoformat()}: {run.policy.as_dict()}",
        f"pupils anonymised: {counts['pupils']}",
        f"cases anonymised: {counts['cases']}",
    ]
    lines += [f"  {label} rows anonymised: {n}" for label, n in counts["rows"].items()]
    lines += [
        f"counselling notes destroyed: {counts['notes_destroyed']}",
        f"attachment files deleted: {counts['attachment_files_deleted']}",
        f"handbooks rebuilt: {counts['handbooks_rebuilt']}",
        f"audit events erased: {counts['audit_events_erased']}",
        f"audit events kept (written before erasable events, their hash covers the detail): "
        f"{counts['audit_events_kept']}",
        f"access-log events erased: {counts['access_log_events_erased']}",
        f"pupils off the roll past the period, waiting for a case to be due: {run.pupils_waiting}",
    ]
    if run.dry_run:
        if run.pupil_ids:
            lines.append(f"pupil ids that {verb} anonymised: {run.pupil_ids}")
        if run.case_ids:
            lines.append(f"case ids that {verb} anonymised: {run.case_ids}")
        lines.append("Dry run: nothing was changed and no audit event was written.")
    else:
        assert run.event is not None
        lines.append(f"Recorded as audit event {run.event.pk} ({run.event.action}).")
    return lines


class Command(BaseCommand):
    help = (
        "Anonymise pupils who left the roll and cases closed longer than the retention periods, "
        "destroy their notes and files, erase the audit detail about them (docs/retention.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would change; change and record nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = retention_apply(dry_run=options["dry_run"])
        except Conflict as exc:
            raise CommandError(exc.message) from exc
        for line in describe(run):
            self.stdout.write(line)
