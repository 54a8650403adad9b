"""Sample files for the attachment tests, built byte by byte (no imaging library needed)."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

from attachments.demo import demo_pdf, demo_png

GPS_CANARY = b"GPS-43.1667N-124.3500E"
XMP_CANARY = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>home</x:xmpmeta>"


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg(*, orientation: int = 6) -> bytes:
    """A structurally valid JPEG whose EXIF holds an orientation and a GPS block, plus XMP."""
    gps_ifd = 38
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8)
    tiff += struct.pack(">H", 2)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff += struct.pack(">HHII", 0x8825, 4, 1, gps_ifd)
    tiff += struct.pack(">I", 0)
    tiff += struct.pack(">H", 1) + struct.pack(">HHI", 0x0001, 2, 2) + b"N\x00\x00\x00" + struct.pack(">I", 0)
    tiff += GPS_CANARY
    return (
        b"\xff\xd8"
        + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + _segment(0xE1, b"Exif\x00\x00" + tiff)
        + _segment(0xE1, XMP_CANARY)
        + _segment(0xFE, b"comment: camera serial 123")
        + _segment(0xDB, b"\x00" + bytes(64))
        + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x12\x34\x56"
        + b"\xff\xd9"
    )


def png() -> bytes:
    data = demo_png(8, 6)
    text = b"Comment\x00" + GPS_CANARY
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text + b"\x00\x00\x00\x00"
    return data[:33] + chunk + data[33:]  # after the IHDR chunk


def webp() -> bytes:
    vp8x = b"VP8X" + struct.pack("<I", 10) + bytes([0x08 | 0x04, 0, 0, 0]) + bytes(6)
    image = b"VP8L" + struct.pack("<I", 5) + b"\x2f\x00\x00\x00\x00" + b"\x00"
    exif = b"EXIF" + struct.pack("<I", len(GPS_CANARY)) + GPS_CANARY
    body = b"WEBP" + vp8x + image + exif
    return b"RIFF" + struct.pack("<I", len(body)) + body


def pdf() -> bytes:
    return demo_pdf("Test certificate")


def ooxml(main: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/x" ContentType="{main}"/></Types>',
        )
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + bytes(64)
    + b"This program cannot be run in DOS mode"
)
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


def streamed(response: Any) -> bytes:
    """The body of a file response; reading it to the end closes the file, as a WSGI server would."""
    return b"".join(response.streaming_content)
