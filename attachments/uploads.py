"""The size limit of uploads, applied while the bytes arrive (FILE_UPLOAD_HANDLERS, first)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

_TOO_LARGE = "_wanjia_uploads_too_large"


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they stream in, whatever Content-Length said.

    Past ``WANJIA_UPLOAD_MAX_BYTES`` the file is skipped: the handlers after this one close and
    delete what they had (memory or temporary file) and the rest of the file is read and thrown
    away. The field's name is remembered on the request, so the form can say "too large" instead
    of "no file".
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = int(settings.WANJIA_UPLOAD_MAX_BYTES)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            if self.request is not None and self.field_name:
                self.request.__dict__.setdefault(_TOO_LARGE, set()).add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None  # the next handler builds the file


def upload_too_large(request: HttpRequest, field_name: str) -> bool:
    """Whether the upload handler dropped this field's file for being too large."""
    return field_name in request.__dict__.get(_TOO_LARGE, set())
