"""Build an evidence file once, as the neutral document the renderers share."""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from casework.selectors import case_list_for_user
from evidence.document import EvidenceDocument, Section
from evidence.sections import PUPIL_SECTIONS, TEACHER_SECTIONS, PupilFile, TeacherFile
from evidence.selectors import Period
from evidence.subject import SUBJECT_SECTIONS, SubjectFile
from schools.models import Pupil, School

_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


def _stem(*parts: str) -> str:
    """A download name: the parts joined by "-", without characters file systems refuse."""
    return "-".join(_UNSAFE_IN_NAMES.sub("_", part).strip("_") for part in parts if part)


def _period_facts(period: Period, viewer: User) -> list[tuple[str, str]]:
    campaign = period.campaign.name if period.campaign is not None else str(period.year)
    span = f"{period.starts_on.isoformat()} – {period.ends_on.isoformat()}"
    made = date_format(timezone.localtime(), "Y-m-d H:i")
    return [
        (_("Campaign year"), campaign),
        (_("Period"), span),
        (_("Exported by"), viewer.get_full_name()),
        (_("Exported at"), made),
    ]


def _sections(results: list[Section | None]) -> list[Section]:
    return [section for section in results if section is not None]


def teacher_document(*, viewer: User, teacher: User, school: School, period: Period) -> EvidenceDocument:
    data = TeacherFile(
        viewer=viewer,
        teacher=teacher,
        school=school,
        period=period,
        visible_cases=case_list_for_user(user=viewer),
    )
    name = teacher.get_full_name()
    return EvidenceDocument(
        title=_("%(name)s: work in the programme, campaign year %(year)s")
        % {"name": name, "year": period.year},
        facts=[(_("Teacher"), name), (_("School"), school.name), *_period_facts(period, viewer)],
        sections=_sections([section(data) for section in TEACHER_SECTIONS]),
        file_stem=_stem(_("teacher-evidence"), name, str(period.year)),
    )


def pupil_document(*, viewer: User, pupil: Pupil, period: Period) -> EvidenceDocument:
    data = PupilFile(
        viewer=viewer,
        pupil=pupil,
        period=period,
        visible_cases=case_list_for_user(user=viewer).filter(pupil_id=pupil.pk),
    )
    return EvidenceDocument(
        title=_("%(name)s: support received, campaign year %(year)s")
        % {"name": pupil.name, "year": period.year},
        facts=[
            (_("Pupil"), pupil.name),
            (_("Student number"), pupil.student_number),
            (_("School"), pupil.school.name),
            (_("Class"), pupil.classroom.label if pupil.classroom else "—"),
            *_period_facts(period, viewer),
        ],
        sections=_sections([section(data) for section in PUPIL_SECTIONS]),
        file_stem=_stem(_("pupil-evidence"), pupil.name, str(period.year)),
    )


def subject_document(*, viewer: User, pupil: Pupil) -> EvidenceDocument:
    """Everything held on the pupil, for a guardian's request (evidence/subject.py)."""
    data = SubjectFile.gather(viewer=viewer, pupil=pupil)
    return EvidenceDocument(
        title=_("%(name)s: the personal data Wanjia holds") % {"name": pupil.name},
        facts=[
            (_("Pupil"), pupil.name),
            (_("Student number"), pupil.student_number),
            (_("School"), pupil.school.name),
            (_("Exported by"), viewer.get_full_name()),
            (_("Exported at"), date_format(timezone.localtime(), "Y-m-d H:i")),
        ],
        sections=[section(data) for section in SUBJECT_SECTIONS],
        file_stem=_stem(_("pupil-data"), pupil.name, timezone.localdate().isoformat()),
    )
