"""The one way an attachment's bytes leave the server (pages and API alike)."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse
from django.utils.cache import add_never_cache_headers

from attachments import files
from attachments.models import Attachment


def file_response(attachment: Attachment, handle: IO[bytes], *, force_download: bool = False) -> FileResponse:
    """The file with the type we detected (never the uploader's claim), shown inline only when it
    is an image or a PDF, in a sandbox that runs no script, and never kept in a cache."""
    kind = files.BY_TYPE.get(attachment.content_type)
    inline = bool(kind and kind.inline) and not force_download
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
    return response
