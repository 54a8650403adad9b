"""The floors contract (pyproject.toml, checked by lint-imports in `make lint`) covers every app of
ours and admits no exceptions (docs/decisions/0002-layers.md)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def _contract() -> tuple[dict[str, object], list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (contract,) = config["contracts"]
    return contract, config["root_packages"]


def _floors() -> list[set[str]]:
    contract, _roots = _contract()
    return [{name.strip() for name in layer.split("|")} for layer in contract["layers"]]  # type: ignore[attr-defined]


@pytest.mark.smoke
def test_the_contract_is_layers_without_exceptions() -> None:
    contract, _roots = _contract()
    assert contract["type"] == "layers"
    assert not contract.get("ignore_imports")


@pytest.mark.smoke
def test_every_app_of_ours_stands_on_a_floor() -> None:
    ours = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    on_floors = set().union(*_floors())
    _contract_unused, roots = _contract()
    assert "casework" in ours and "core" in ours
    assert ours <= on_floors
    assert on_floors == set(roots)  # the contract reads every package it names


@pytest.mark.smoke
def test_the_kernel_is_at_the_bottom_and_the_portal_at_the_top() -> None:
    floors = _floors()
    assert "core" in floors[-1]
    assert floors[0] == {"config"} and floors[1] == {"portal"}
