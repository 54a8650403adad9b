"""Demo attachments for `manage.py demo`: a photo of a home visit (its pupil's guardians consent to
home-visit photos, with the scan of the signed form) and a certificate on a case, uploaded through
the service (checked, stored privately, audited). Created once."""

from __future__ import annotations

import struct
import zlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.models import User
from attachments import services
from attachments.models import Attachment
from casework.models import Case, HomeVisit
from consents import services as consent_services
from consents.models import Consent, Purpose
from consents.selectors import consent_current, in_force
from schools.models import Pupil


def demo_png(width: int = 160, height: int = 120) -> bytes:
    """A small valid PNG (a warm gradient), made without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(
        b"\x00" + bytes(value for x in range(width) for value in (230, 120 + x * 100 // width, 60 + y))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def demo_pdf(title: str = "Wanjia demo") -> bytes:
    """A one-page PDF with a line of (ASCII) text and a valid cross-reference table."""
    stream = f"BT /F1 18 Tf 72 760 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def demo_attachments_build() -> int:
    """Attach demo files to the demo poverty case (school A) and its visit; returns how many."""
    if settings.WANJIA_ENVIRONMENT == "production":
        raise ImproperlyConfigured("The demo data must never be loaded into production.")
    if Attachment.objects.filter(school__code="A").exists():
        return 0
    teacher = User.objects.filter(username="teacher_a1").first()
    case = (
        Case.objects.filter(school__code="A", owner=teacher, categories__category="poverty")
        .exclude(state="closed")
        .order_by("pk")
        .first()
    )
    if teacher is None or case is None:
        return 0
    count = 0
    services.attachment_upload(
        user=teacher,
        case_id=case.pk,
        name="建档立卡贫困户证明.pdf",
        chunks=[demo_pdf("Poverty household certificate (demo)")],
        caption="村委会出具的建档立卡证明（扫描件）",
    )
    count += 1
    visit = HomeVisit.objects.filter(case=case).order_by("scheduled_for").first()
    consent = None
    if visit is not None:
        consent = _photo_consent(visit.pupil, by=User.objects.filter(username="principal_a").first())
    if visit is not None and consent is not None:
        services.attachment_upload(
            user=consent.recorded_by,
            consent_id=consent.pk,
            name="家访拍照同意书-签字扫描件.pdf",
            chunks=[demo_pdf("Home-visit photo consent, signed (demo)")],
            caption="开学初家长会签署",
        )
        count += 1
        services.attachment_upload(
            user=teacher,
            visit_id=visit.pk,
            name="家访照片-学习角.png",
            chunks=[demo_png()],
            caption="家访时拍摄：学生在家的学习角，缺少台灯",
        )
        count += 1
    return count


def _photo_consent(pupil: Pupil, *, by: User | None) -> Consent | None:
    """The pupil's consent to home-visit photos: the demo's own (consents.demo), or one recorded
    here by ``by`` so that the demo photo is attached as the rules ask."""
    current = consent_current(pupil=pupil, purpose=Purpose.HOME_VISIT_PHOTOS)
    if in_force(current):
        return current
    if by is None:
        return None
    guardian = pupil.guardians.order_by("position").first()
    return consent_services.consent_record(
        user=by,
        pupil_id=pupil.pk,
        purpose=Purpose.HOME_VISIT_PHOTOS,
        granted=True,
        guardian_id=guardian.pk if guardian is not None else None,
        guardian_name=guardian.name if guardian is not None else "家长",
    )
