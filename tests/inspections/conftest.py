"""The checklist comes from a data migration. Transactional tests (live_server) flush the test
database, and ``--reuse-db`` then keeps it without the seeded rows, so every inspection test
re-runs the (idempotent) seed itself."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

SEED = importlib.import_module("inspections.migrations.0002_seed_checklist")


@pytest.fixture(autouse=True)
def checklist(request: pytest.FixtureRequest) -> None:
    if (
        "world" in request.fixturenames
        or "db" in request.fixturenames
        or request.node.get_closest_marker("django_db")
    ):
        request.getfixturevalue("db")
        SEED.seed(apps, None)
