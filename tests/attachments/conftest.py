from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def private_root(settings, tmp_path: Path) -> Path:
    """Each test stores its attachments in its own directory (removed by pytest)."""
    root = tmp_path / "private"
    settings.WANJIA_PRIVATE_MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def _private(private_root: Path) -> None:
    del private_root
