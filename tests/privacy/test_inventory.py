"""The inventory of personal data (privacy/inventory.py, docs/retention.md) covers every free-text,
binary and JSON field of our models: a new one must be put in PERSONAL or KEPT, with a reason."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

from privacy.inventory import ANONYMISED, KEPT, PERSONAL

ROOT = Path(__file__).resolve().parents[2]
TEXT_LIKE = (models.CharField, models.TextField, models.JSONField, models.BinaryField, models.FileField)


def our_text_fields() -> set[tuple[str, str]]:
    ours = {config.label for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    return {
        (model._meta.label, field.name)
        for model in apps.get_models()
        if model._meta.app_label in ours
        for field in model._meta.concrete_fields
        if isinstance(field, TEXT_LIKE) and not field.choices
    }


def listed(inventory: dict) -> set[tuple[str, str]]:
    return {(label, name) for label, names in inventory.items() for name in names}


@pytest.mark.smoke
def test_every_text_field_of_ours_is_in_the_inventory():
    missing = our_text_fields() - listed(PERSONAL) - listed(KEPT)
    assert not missing, f"decide whether these hold personal data (privacy/inventory.py): {sorted(missing)}"


@pytest.mark.smoke
def test_the_inventory_names_real_fields_once():
    for label, name in listed(PERSONAL) | listed(KEPT):
        apps.get_model(label)._meta.get_field(name)  # raises if there is no such field
    assert not listed(PERSONAL) & listed(KEPT)
    assert all(reason for names in KEPT.values() for reason in names.values())


@pytest.mark.smoke
def test_the_ledger_trigger_allows_exactly_the_marker():
    migration = importlib.import_module("support.migrations.0008_ledger_text_anonymisable")
    assert migration.MARKER == ANONYMISED
