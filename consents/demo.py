"""Demo consents for `manage.py demo`: at the start of the year the class teachers collect the
guardians' consent to home-visit photos (家访照片) for the first pupils of each demo class; one
family refuses, one withdraws later, one agrees to sharing records on a transfer. Made through
the services (audited like real work), once; later runs change nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from consents import services
from consents.models import Consent, Purpose
from schools.models import Classroom, Guardian, Pupil

GIVEN_SEATS = 8  # seats 1-8: the demo's cases and visits sit there
WITHDRAWN_SEAT = 9
REFUSED_SEAT = 10


def _guardian(pupil: Pupil) -> tuple[int | None, str]:
    guardian = Guardian.objects.filter(pupil=pupil).order_by("position").first()
    return (guardian.pk, guardian.name) if guardian is not None else (None, "家长")


def demo_consents_build() -> int:
    """Record the demo consents unless the demo schools have some already; returns how many."""
    if settings.WANJIA_ENVIRONMENT == "production":
        raise ImproperlyConfigured("The demo data must never be loaded into production.")
    if Consent.objects.filter(school__code__in=["A", "B"]).exists():
        return 0
    made = 0
    classrooms = (
        Classroom.objects.filter(school__code__in=["A", "B"], class_teacher__isnull=False)
        .select_related("class_teacher")
        .order_by("school__code", "grade", "number")
    )
    with transaction.atomic():
        for classroom in classrooms:
            teacher = classroom.class_teacher
            assert teacher is not None
            pupils = list(Pupil.objects.filter(classroom=classroom).order_by("student_number")[:REFUSED_SEAT])
            for seat, pupil in enumerate(pupils, start=1):
                guardian_id, name = _guardian(pupil)
                consent = services.consent_record(
                    user=teacher,
                    pupil_id=pupil.pk,
                    purpose=Purpose.HOME_VISIT_PHOTOS,
                    granted=seat != REFUSED_SEAT,
                    guardian_id=guardian_id,
                    guardian_name=name,
                )
                made += 1
                if seat == WITHDRAWN_SEAT:
                    services.consent_withdraw(
                        user=teacher,
                        consent_id=consent.pk,
                        reason="家长电话告知：不希望孩子的照片留存在学校系统中。",
                    )
                if seat == 1:
                    services.consent_record(
                        user=teacher,
                        pupil_id=pupil.pk,
                        purpose=Purpose.TRANSFER_SHARING,
                        granted=True,
                        guardian_id=guardian_id,
                        guardian_name=name,
                    )
                    made += 1
    return made
