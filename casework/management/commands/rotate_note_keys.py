from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from casework.notes import notes_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every confidential counselling note with the first key of WANJIA_NOTES_KEYS. "
        "Put the new key first, keep the old ones, run this, then drop the old keys."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = notes_rotate()
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} notes with the first key."))
