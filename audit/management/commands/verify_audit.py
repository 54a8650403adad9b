"""Verify the audit hash chains: ``manage.py verify_audit [--school CODE] [--anchor FILE]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models
from tqdm import tqdm

from audit.chain import chain_for_school
from audit.models import AuditEvent
from audit.verify import chain_heads, erasures_unaccounted, verify_anchor, verify_chains


def _school_id(code: str) -> int | None:
    """The id of the school with this code, found through the events' own foreign key (the
    trail does not import the schools app above it)."""
    school_model = cast("type[models.Model]", AuditEvent._meta.get_field("school").related_model)
    school_id: int | None = (
        school_model._default_manager.filter(code=code).values_list("pk", flat=True).first()
    )
    return school_id


class Command(BaseCommand):
    help = "Recompute every audit event hash and check the chains (exits non-zero on the first break)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="only this school's chain (school code)")
        parser.add_argument("--anchor", type=Path, help="JSON written by audit_anchor to check against")

    def handle(self, *args: Any, **options: Any) -> None:
        chains: list[str] | None = None
        if options["school"]:
            school_id = _school_id(options["school"])
            if school_id is None:
                raise CommandError(f"No school with code {options['school']!r}.")
            chains = [chain_for_school(school_id)]
        # The heads give the expected total without counting a million rows first.
        total = sum(seq for seq, _digest in chain_heads(chains).values())
        with tqdm(total=total, unit="event", file=sys.stderr, disable=options["verbosity"] < 1) as bar:
            checked, problem = verify_chains(chains=chains, progress=bar.update)
        if problem is not None:
            raise CommandError(f"Audit trail does not verify: {problem}")
        # Erasures are counted across chains (the erasing event is in the bureau's chain).
        unaccounted = erasures_unaccounted() if chains is None else None
        if unaccounted is not None:
            raise CommandError(f"Audit trail does not verify: {unaccounted}")
        if options["anchor"]:
            try:
                anchor = json.loads(options["anchor"].read_text())
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read anchor {options['anchor']}: {exc}") from exc
            problem = verify_anchor(anchor, chains=chains)
            if problem is not None:
                raise CommandError(f"Audit trail does not match the anchor: {problem}")
        self.stdout.write(f"{checked} audit events verified.")
