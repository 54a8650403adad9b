"""A system check: the private attachment store must not lie inside a directory that is served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents or path in root.parents


def served_roots() -> list[Path]:
    roots = [settings.MEDIA_ROOT, settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    return [Path(str(root)).resolve() for root in roots if root]


@register()
def private_root_not_served(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    private = Path(str(settings.WANJIA_PRIVATE_MEDIA_ROOT)).resolve()
    return [
        Error(
            f"WANJIA_PRIVATE_MEDIA_ROOT ({private}) overlaps {root}, which is served; "
            "attachments must live outside every served directory.",
            id="attachments.E001",
        )
        for root in served_roots()
        if _inside(private, root)
    ]
