from __future__ import annotations

import pytest

from tests.audit.helpers import Trail, build_trail


@pytest.fixture
def trail(world) -> Trail:
    return build_trail(world)
