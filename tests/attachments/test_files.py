"""What a file is, by its bytes; its name made safe; image metadata removed. No database."""

from __future__ import annotations

import pytest
from django.utils import translation

from attachments import files
from tests.attachments import samples

pytestmark = pytest.mark.smoke


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (samples.jpeg(), "家访.JPG", files.JPEG),
        (samples.jpeg(), "photo.jpeg", files.JPEG),
        (samples.png(), "a.png", files.PNG),
        (samples.webp(), "a.webp", files.WEBP),
        (samples.pdf(), "证明.pdf", files.PDF),
        (samples.ooxml(samples.DOCX_MAIN), "记录.docx", files.DOCX),
        (samples.ooxml(samples.XLSX_MAIN), "表.xlsx", files.XLSX),
    ],
)
def test_accepted_kinds(data: bytes, name: str, kind: files.Kind) -> None:
    assert files.check(data, name) is kind


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (samples.EXE, "photo.jpg", "not accepted"),  # a program renamed as a photo
        (samples.HTML, "image.png", "not accepted"),  # a web page renamed as an image
        (b"", "empty.jpg", "empty"),
        (samples.ooxml(samples.DOCM_MAIN), "macro.docx", "not accepted"),  # macros: refused
        (b"PK\x03\x04 not really a zip", "x.docx", "not accepted"),
        (samples.png(), "photo.jpg", "rename it to .png"),  # content and name disagree
        (samples.pdf(), "report", "rename it to .pdf"),
        (samples.jpeg(), "photo.jpg.exe", "rename it to .jpg"),
    ],
)
def test_refused_files_say_why(data: bytes, name: str, reason: str) -> None:
    with translation.override("en"), pytest.raises(files.FileRejected) as caught:
        files.check(data, name)
    assert reason in caught.value.message


def test_names_are_cleaned() -> None:
    assert files.clean_name("C:\\Users\\张老师\\家访 照片.JPG", files.JPEG) == "家访 照片.jpg"
    assert files.clean_name("../../etc/passwd.pdf", files.PDF) == "passwd.pdf"
    assert files.clean_name('a<b>:"|?*\x00\n.png', files.PNG) == "a_b_.png"
    assert files.clean_name("   ", files.PDF) == "attachment.pdf"
    long = files.clean_name("长" * 500 + ".docx", files.DOCX)
    assert len(long) <= files.NAME_MAX and long.endswith(".docx")


def test_image_metadata_is_removed_but_jpeg_orientation_kept() -> None:
    original = samples.jpeg(orientation=6)
    stripped = files.strip_metadata(original, files.JPEG)
    assert samples.GPS_CANARY not in stripped and b"ns.adobe.com" not in stripped
    assert b"camera serial" not in stripped
    assert stripped.startswith(b"\xff\xd8") and stripped.endswith(b"\x12\x34\x56\xff\xd9")
    assert b"JFIF" in stripped and files.sniff(stripped) is files.JPEG
    exif = stripped[stripped.index(b"Exif\x00\x00") + 6 :]
    assert files._exif_orientation(exif) == 6

    png = files.strip_metadata(samples.png(), files.PNG)
    assert samples.GPS_CANARY not in png and b"IDAT" in png and png.endswith(b"IEND\xaeB`\x82")

    webp = files.strip_metadata(samples.webp(), files.WEBP)
    assert samples.GPS_CANARY not in webp and b"VP8L" in webp
    assert int.from_bytes(webp[4:8], "little") == len(webp) - 8
    assert webp[20] & 0x0C == 0  # the VP8X flags no longer announce EXIF or XMP

    pdf = samples.pdf()
    assert files.strip_metadata(pdf, files.PDF) == pdf
    with translation.override("en"), pytest.raises(files.FileRejected, match="damaged"):
        files.strip_metadata(b"\xff\xd8\xff\xe1\x00", files.JPEG)
