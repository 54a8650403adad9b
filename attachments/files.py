"""What an uploaded file really is, decided from its bytes; names made safe; image metadata removed.

Nothing here trusts the browser: not the name's extension alone, not the Content-Type it sent.
A file is accepted only when its content is one of the known kinds AND its extension belongs to
that kind. Images lose their EXIF/XMP metadata (GPS position of a pupil's home, camera serials)
before they are stored; a JPEG keeps only its orientation, so phone photos still display upright.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class FileRejected(ValueError):
    """The file is not one we accept; ``message`` says why, for the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]
    inline: bool  # shown in the browser (images, PDF) rather than downloaded


JPEG = Kind("image/jpeg", ("jpg", "jpeg"), True)
PNG = Kind("image/png", ("png",), True)
WEBP = Kind("image/webp", ("webp",), True)
PDF = Kind("application/pdf", ("pdf",), True)
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",), False)
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), False)
KINDS = (JPEG, PNG, WEBP, PDF, DOCX, XLSX)
BY_TYPE = {kind.content_type: kind for kind in KINDS}

# The part of an Office Open XML package that says what the package is. Macro-enabled variants
# (docm, xlsm) declare other types and are refused.
_OOXML_MAIN = {
    DOCX: b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_CONTENT_TYPES_MAX = 1024 * 1024  # a real [Content_Types].xml is a few KB; bigger is a zip bomb
_ALLOWED_TEXT = _("Photos (JPEG, PNG, WebP), PDF, Word (.docx) or Excel (.xlsx) files only.")


def sniff(data: bytes) -> Kind | None:
    """The kind the bytes are, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data)
    return None


def _ooxml_kind(data: bytes) -> Kind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            info = package.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_MAX:
                return None
            declared = package.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError, EOFError):
        return None
    for kind, main in _OOXML_MAIN.items():
        if main in declared:
            return kind
    return None


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check(data: bytes, name: str) -> Kind:
    """The file's kind, or FileRejected with the reason."""
    if not data:
        raise FileRejected(str(_("The file is empty.")))
    kind = sniff(data)
    if kind is None:
        raise FileRejected(
            str(_("This kind of file is not accepted. %(allowed)s") % {"allowed": _ALLOWED_TEXT})
        )
    if extension_of(name) not in kind.extensions:
        raise FileRejected(
            str(
                _(
                    "The file's name ends in “.%(extension)s” but it is a %(kind)s file; rename it to .%(expected)s."
                )
                % {
                    "extension": extension_of(name) or "",
                    "kind": kind.extensions[0].upper(),
                    "expected": kind.extensions[0],
                }
            )
        )
    return kind


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
NAME_MAX = 120


def clean_name(name: str, kind: Kind) -> str:
    """A display name without paths, control or reserved characters, of bounded length."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, kind.extensions[0]
    stem = stem[: NAME_MAX - len(extension) - 1].strip(" .") or "attachment"
    return f"{stem}.{extension.lower()}"


# --- image metadata -----------------------------------------------------------------------------


def strip_metadata(data: bytes, kind: Kind) -> bytes:
    """The image without EXIF/XMP/text metadata; other kinds unchanged. Malformed → FileRejected."""
    try:
        if kind is JPEG:
            return _strip_jpeg(data)
        if kind is PNG:
            return _strip_png(data)
        if kind is WEBP:
            return _strip_webp(data)
    except (struct.error, IndexError, ValueError) as exc:
        raise FileRejected(str(_("The image is damaged and cannot be accepted."))) from exc
    return data


def _strip_jpeg(data: bytes) -> bytes:
    out = bytearray(data[:2])  # SOI
    pos = 2
    while True:
        if data[pos] != 0xFF:
            raise ValueError("not a marker")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA or 0xD0 <= marker <= 0xD9:  # start of scan (or a standalone marker)
            out += data[pos:]
            return bytes(out)
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise ValueError("bad segment length")
        segment = data[pos : pos + 2 + length]
        payload = segment[4:]
        if marker == 0xE1:  # APP1: EXIF or XMP, both dropped
            # EXIF is replaced where it stood by a block holding only the orientation.
            orientation = _exif_orientation(payload[6:]) if payload.startswith(b"Exif\x00\x00") else None
            if orientation is not None:
                out += _exif_with_orientation(orientation)
        elif marker == 0xED or marker == 0xFE:  # APP13 (Photoshop/IPTC) and comments: dropped
            pass
        else:
            out += segment
        pos += 2 + length


def _exif_orientation(tiff: bytes) -> int | None:
    """The orientation tag (0x0112) of IFD0, if the EXIF block has a readable one."""
    try:
        order = {b"II": "<", b"MM": ">"}[tiff[:2]]
        (offset,) = struct.unpack(order + "I", tiff[4:8])
        (count,) = struct.unpack(order + "H", tiff[offset : offset + 2])
        for index in range(count):
            entry = tiff[offset + 2 + 12 * index : offset + 14 + 12 * index]
            tag, kind, _count = struct.unpack(order + "HHI", entry[:8])
            if tag == 0x0112 and kind == 3:
                (value,) = struct.unpack(order + "H", entry[8:10])
                return value if 1 <= value <= 8 else None
    except (KeyError, struct.error):
        return None
    return None


def _exif_with_orientation(orientation: int) -> bytes:
    """A minimal EXIF APP1 segment holding nothing but the orientation."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


_PNG_DROPPED = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def _strip_png(data: bytes) -> bytes:
    out = bytearray(data[:8])
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunk_type = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise ValueError("truncated chunk")
        if chunk_type not in _PNG_DROPPED:
            out += data[pos:end]
        pos = end
        if chunk_type == b"IEND":
            return bytes(out)
    raise ValueError("no IEND")


def _strip_webp(data: bytes) -> bytes:
    chunks = bytearray()
    pos = 12
    while pos + 8 <= len(data):
        chunk_type = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        end = pos + 8 + length + (length & 1)
        if pos + 8 + length > len(data):
            raise ValueError("truncated chunk")
        chunk = bytearray(data[pos : min(end, len(data))])
        if chunk_type == b"VP8X":
            chunk[8] &= ~(0x08 | 0x04) & 0xFF  # no EXIF, no XMP any more
        if chunk_type not in (b"EXIF", b"XMP "):
            chunks += chunk
        pos = end
    return b"RIFF" + struct.pack("<I", len(chunks) + 4) + b"WEBP" + bytes(chunks)
