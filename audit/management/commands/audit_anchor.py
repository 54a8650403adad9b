"""Print (and store) the current audit chain heads: ``manage.py audit_anchor [--output FILE]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from audit.models import AuditChainHead


class Command(BaseCommand):
    help = "Print the head hash of every audit chain as JSON; keep it somewhere the database cannot reach."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="also write the JSON to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = {
            "anchored_at": timezone.now().isoformat(),
            "chains": [
                {"chain": chain, "seq": seq, "hash": digest}
                for chain, seq, digest in AuditChainHead.objects.order_by("chain").values_list(
                    "chain", "seq", "hash"
                )
            ],
        }
        text = json.dumps(anchor, indent=2, ensure_ascii=False)
        if options["output"]:
            options["output"].write_text(text + "\n")
        self.stdout.write(text)
