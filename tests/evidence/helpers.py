"""A year of work to export: one case taken to review, a parents' opinion, ledger entries, and a
psychological case with a confidential note. Every write goes through the real services."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from openpyxl import load_workbook

from care.services import counselling_session_record, tutoring_session_create
from casework import notes
from casework.models import Case, State
from opinions.services import opinion_raise
from schools.models import Pupil
from tests.builders import FAMILY_SITUATION, drive_to, open_case, transition, write_plan
from tests.support.helpers import disburse, donate

if TYPE_CHECKING:
    from tests.conftest import World

# Inside the 2026 campaign year, clear of its ends (dates are Asia/Shanghai days).
WHEN = datetime.datetime(2026, 5, 12, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
YEAR = 2026
GOALS = '=HYPERLINK("http://evil.example") 期末数学及格'
FAMILY = FAMILY_SITUATION  # recorded on the visit by drive_to; never in an evidence file
SECRET = "绝密：孩子说起家里的事"
PUPIL_NAME = "王小明"
TUTORING = "分数应用题过关"  # a tutoring outcome: in the pupil's file


@dataclass
class Year:
    case: Case  # academic, owner world.colleague, class teacher world.owner, pupil 王小明
    psych: Case  # psychological, same pupil, owner world.colleague, with a confidential note

    @property
    def pupil(self) -> Pupil:
        return self.case.pupil


def a_year_of_work(world: World) -> Year:
    case = open_case(world.classroom, by=world.colleague, pupil_name=PUPIL_NAME)
    transition(case, "draft_plan", by=world.colleague)
    write_plan(case, by=world.colleague, goals=GOALS, measures="每周两次数学辅导")
    case = drive_to(case, State.REVIEW, leader=world.principal)
    visit = case.visits.get()
    opinion_raise(user=world.colleague, visit_id=visit.pk, about="school", text="希望增加课后辅导")
    # An opinion about the teacher never appears in the teacher's own file.
    opinion_raise(
        user=world.owner, visit_id=visit.pk, about="teacher", about_teacher_id=world.colleague.pk, text="投诉"
    )
    donate(world, "500.00")
    disburse(world, case, "120.00")
    psych = open_case(pupil=case.pupil, by=world.colleague, categories=["psychological"], summary="情绪低落")
    notes.note_create(case_id=psych.pk, user=world.counsellor, content=SECRET)
    tutoring_session_create(
        case_id=case.pk,
        user=world.colleague,
        held_on=timezone.localdate(),
        subject="maths",
        duration_minutes=45,
        content="分数的加减",
        outcome=TUTORING,
        level=3,
    )
    # A counselling session: neither it nor its content (a confidential note) goes into any file.
    counselling_session_record(
        case_id=psych.pk,
        user=world.counsellor,
        held_on=timezone.localdate(),
        attendance="attended",
        duration_minutes=40,
        content=SECRET,
    )
    return Year(case=Case.objects.get(pk=case.pk), psych=psych)


def sheets(content: bytes) -> dict[str, list[list[object]]]:
    """Every sheet of a workbook as rows of values."""
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets
    }


def all_text(book: dict[str, list[list[object]]]) -> str:
    return "\n".join(str(cell) for rows in book.values() for row in rows for cell in row if cell is not None)


def today() -> datetime.date:
    return timezone.localdate()
