"""Give every case the process and open task its state calls for (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from casework.models import Case
from workflows.services import case_tasks_ensure


class Command(BaseCommand):
    help = "Create the case flow's process and current task for cases that have none (safe to re-run)."

    def handle(self, *args: Any, **options: Any) -> None:
        created = 0
        for case in Case.objects.order_by("id").only("id").iterator(chunk_size=500):
            if case_tasks_ensure(case=case):
                created += 1
        self.stdout.write(f"{created} case(s) synchronised.")
