"""The private store of attachments: a directory outside every served root, with no URL."""

from __future__ import annotations

import os
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage under WANJIA_PRIVATE_MEDIA_ROOT (read on every use, so tests can move it).

    ``url()`` refuses: attachments are sent only by the download view, after the access check.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(base_url=None, **kwargs)

    @property
    def base_location(self) -> str:
        return str(settings.WANJIA_PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Attachments have no URL; use the download view.")

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return ("attachments.storage.PrivateStorage", (), {})


private_storage = PrivateStorage()


def random_name(instance: Any, filename: str) -> str:
    """A new random path per file; nothing the uploader typed ever reaches the disk."""
    del instance, filename
    return timezone.now().strftime("%Y/%m/") + uuid.uuid4().hex
