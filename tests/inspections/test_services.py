"""Inspection services: who may do what, validation, state rules, audit, nothing half-done."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext

from audit.models import AuditEvent
from core.errors import Conflict, Forbidden, Invalid, NotFound
from inspections import services
from inspections.models import ChecklistItem, ChecklistResult, Inspection, Notice, Rectification
from tests.builders import open_case
from tests.factories import PupilFactory, UserFactory
from tests.inspections.conftest import SEED
from tests.inspections.helpers import (
    answered_rectification,
    draft_inspection,
    issue_notice,
    open_rectification,
    staff,
    submitted_inspection,
    today,
)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.mark.smoke
def test_the_checklist_is_seeded_from_the_programme_document(db) -> None:
    texts = list(ChecklistItem.objects.filter(active=True).values_list("text", flat=True))
    assert len(texts) >= 9
    assert any("清廉家访" in t for t in texts)
    assert any("家访手册" in t for t in texts)
    assert all(item.text_en for item in ChecklistItem.objects.all())
    count = ChecklistItem.objects.count()
    ChecklistItem.objects.filter(code="integrity").update(text="清廉家访（已修改）")
    SEED.seed(apps, None)  # re-running the seed adds nothing and keeps an operator's edit
    assert ChecklistItem.objects.count() == count
    assert ChecklistItem.objects.get(code="integrity").text == "清廉家访（已修改）"


@pytest.mark.smoke
def test_an_inspector_records_and_submits_an_inspection(world) -> None:
    case = open_case(world.classroom, by=world.colleague)
    family = PupilFactory.create(classroom=world.classroom)
    second = UserFactory.create(username="second_inspector")
    world.inspector.bureau_memberships.first().bureau.memberships.create(user=second)
    inspection = services.inspection_create(
        user=world.inspector, school_id=world.school.pk, inspected_on=today(), inspector_ids=[second.pk]
    )
    assert inspection.state == Inspection.State.DRAFT
    assert inspection.checklist.count() == ChecklistItem.objects.filter(active=True).count()
    item = inspection.checklist.select_related("item")[0].item
    services.inspection_update(
        user=second,
        inspection_id=inspection.pk,
        checklist=[services.ChecklistEntry(item.pk, ChecklistResult.PARTLY, "手册不全")],
        sampled_case_ids=[case.pk],
        family_pupil_ids=[family.pk],
        summary="组织有力",
        rating="excellent",
    )
    services.finding_add(
        user=world.inspector, inspection_id=inspection.pk, text="手册不全", needs_rectification=True
    )
    inspection = services.inspection_submit(user=world.inspector, inspection_id=inspection.pk)

    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.SUBMITTED
    assert inspection.submitted_by == world.inspector
    assert set(inspection.inspectors.all()) == {world.inspector, second}
    assert list(inspection.sampled_cases.all()) == [case]
    assert list(inspection.families_visited.all()) == [family]
    assert inspection.checklist.get(item=item).result == ChecklistResult.PARTLY
    for action in ("inspection.created", "inspection.updated", "finding.added", "inspection.submitted"):
        [event] = events(action)
        assert event.school_id == world.school.pk
    update = events("inspection.updated")[0]
    assert update.detail["old"]["rating"] == "" and update.detail["new"]["rating"] == "excellent"
    assert events("inspection.submitted")[0].detail == {
        "old": {"state": "draft"},
        "new": {"state": "submitted", "rating": "excellent"},
    }


def test_a_submitted_inspection_is_read_only(world) -> None:
    inspection, _finding = submitted_inspection(world)
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        services.inspection_update(user=world.inspector, inspection_id=inspection.pk, summary="改写")
    with pytest.raises(Conflict):
        services.finding_add(user=world.inspector, inspection_id=inspection.pk, text="再加一条")
    with pytest.raises(Conflict):
        services.inspection_submit(user=world.inspector, inspection_id=inspection.pk)
    assert AuditEvent.objects.count() == before
    inspection.refresh_from_db()
    assert inspection.summary == "总体良好"


def test_submitting_needs_a_summary_and_a_rating(world) -> None:
    inspection = draft_inspection(world)
    with pytest.raises(Invalid) as error:
        services.inspection_submit(user=world.inspector, inspection_id=inspection.pk)
    assert set(error.value.errors) == {"summary", "rating"}
    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.DRAFT
    assert events("inspection.submitted") == []


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("principal", NotFound),  # a draft is invisible to the school
        ("school_admin", NotFound),
        ("teacher", NotFound),
        ("outsider", NotFound),
        ("other_inspector", NotFound),
        ("superuser", NotFound),
    ],
)
def test_only_the_bureaus_inspectors_touch_a_draft(world, persona, error) -> None:
    people = staff(world)
    inspection = draft_inspection(world)
    with pytest.raises(error):
        services.inspection_update(user=people[persona], inspection_id=inspection.pk, summary="x")
    with pytest.raises(error):
        services.finding_add(user=people[persona], inspection_id=inspection.pk, text="x")
    with pytest.raises(error):
        services.inspection_submit(user=people[persona], inspection_id=inspection.pk)


def test_the_school_sees_but_may_not_change_a_submitted_inspection(world) -> None:
    inspection, _ = submitted_inspection(world)
    with pytest.raises(Forbidden):
        services.inspection_update(user=world.principal, inspection_id=inspection.pk, summary="x")


@pytest.mark.parametrize("persona", ["principal", "teacher", "superuser"])
def test_only_inspectors_start_an_inspection(world, persona) -> None:
    people = staff(world)
    with pytest.raises(Forbidden):
        services.inspection_create(user=people[persona], school_id=world.school.pk, inspected_on=today())
    assert not Inspection.objects.exists()


def test_validation_of_schools_inspectors_cases_and_families(world) -> None:
    people = staff(world)
    with pytest.raises(Invalid) as error:
        services.inspection_create(
            user=people["other_inspector"], school_id=world.school.pk, inspected_on=today()
        )
    assert "school" in error.value.errors
    with pytest.raises(Invalid) as error:
        services.inspection_create(
            user=world.inspector,
            school_id=world.school.pk,
            inspected_on=today() + datetime.timedelta(days=1),
            inspector_ids=[people["other_inspector"].pk],
        )
    assert set(error.value.errors) == {"inspected_on", "inspectors"}
    assert not Inspection.objects.exists()

    inspection = draft_inspection(world)
    elsewhere = open_case(world.other_classroom, by=world.outsider)
    other_pupil = PupilFactory.create(classroom=world.other_classroom)
    with pytest.raises(Invalid) as error:
        services.inspection_update(
            user=world.inspector,
            inspection_id=inspection.pk,
            summary="不应保存",
            sampled_case_ids=[elsewhere.pk],
            family_pupil_ids=[other_pupil.pk],
            inspector_ids=[world.principal.pk],
            rating="perfect",
        )
    assert set(error.value.errors) == {"sampled_cases", "families_visited", "inspectors", "rating"}
    inspection.refresh_from_db()
    assert inspection.summary == ""
    assert not inspection.sampled_cases.exists()
    assert events("inspection.updated") == []


def test_an_update_records_the_old_and_new_values_of_what_changed_and_only_that(world) -> None:
    case = open_case(world.classroom, by=world.colleague)
    inspection = draft_inspection(world)
    first, second = inspection.checklist.order_by("item__order", "item__code")[:2]
    yesterday = inspection.inspected_on
    services.inspection_update(
        user=world.inspector,
        inspection_id=inspection.pk,
        inspected_on=today(),
        summary="  组织有力  ",
        rating="",  # unchanged
        inspector_ids=[],  # the lead inspector stays: unchanged
        sampled_case_ids=[case.pk, case.pk],
        family_pupil_ids=[],  # unchanged
        checklist=[
            services.ChecklistEntry(first.item_id, ChecklistResult.MET, " 方案齐全 "),
            services.ChecklistEntry(second.item_id, ChecklistResult.NOT_CHECKED),  # unchanged
        ],
    )
    [event] = events("inspection.updated")
    assert event.detail == {
        "old": {
            "inspected_on": yesterday.isoformat(),
            "summary": "",
            "sampled_cases": [],
            "checklist": {str(first.item_id): {"result": "not_checked", "note": ""}},
        },
        "new": {
            "inspected_on": today().isoformat(),
            "summary": "组织有力",
            "sampled_cases": [case.pk],
            "checklist": {str(first.item_id): {"result": "met", "note": "方案齐全"}},
        },
    }
    inspection.refresh_from_db()
    assert (inspection.inspected_on, inspection.summary) == (today(), "组织有力")
    assert inspection.checklist.get(pk=first.pk).note == "方案齐全"

    # Nothing new: no event, no new time stamp.
    updated_at = inspection.updated_at
    services.inspection_update(
        user=world.inspector, inspection_id=inspection.pk, summary="组织有力", sampled_case_ids=[case.pk]
    )
    assert len(events("inspection.updated")) == 1
    inspection.refresh_from_db()
    assert inspection.updated_at == updated_at

    # A change of the relations alone still stamps the inspection.
    services.inspection_update(user=world.inspector, inspection_id=inspection.pk, sampled_case_ids=[])
    assert events("inspection.updated")[-1].detail == {
        "old": {"sampled_cases": [case.pk]},
        "new": {"sampled_cases": []},
    }
    inspection.refresh_from_db()
    assert inspection.updated_at > updated_at


def test_an_update_names_every_bad_field_and_changes_nothing(world) -> None:
    inspection = draft_inspection(world)
    row = inspection.checklist.first()
    assert row is not None
    with pytest.raises(Invalid) as error:
        services.inspection_update(
            user=world.inspector,
            inspection_id=inspection.pk,
            inspected_on=today() + datetime.timedelta(days=1),
            summary="不应保存",
            rating="perfect",
            checklist=[
                services.ChecklistEntry(-1, ChecklistResult.MET),
                services.ChecklistEntry(row.item_id, "perfect"),  # the last bad entry names the error
            ],
        )
    assert error.value.message == gettext("The inspection could not be saved.")
    assert error.value.errors == {
        "inspected_on": [gettext("The date lies in the future.")],
        "rating": [
            gettext("Choose one of: %(choices)s.")
            % {"choices": "excellent, good, satisfactory, unsatisfactory"}
        ],
        "checklist": [gettext("Choose met, partly met, not met or not checked.")],
    }
    inspection.refresh_from_db()
    assert (inspection.summary, inspection.inspected_on) == ("", today() - datetime.timedelta(days=1))
    assert inspection.checklist.get(pk=row.pk).result == ChecklistResult.NOT_CHECKED
    assert events("inspection.updated") == []


# --- rectifications ----------------------------------------------------------------------------


def test_a_rectification_is_answered_returned_answered_again_and_closed(world) -> None:
    rectification = open_rectification(world)
    assert rectification.state == Rectification.State.OPEN
    [opened] = events("rectification.opened")
    assert opened.school_id == world.school.pk

    services.rectification_answer(user=world.principal, rectification_id=rectification.pk, response="已整改")
    services.rectification_return(
        user=world.inspector, rectification_id=rectification.pk, comment="缺少佐证材料"
    )
    rectification.refresh_from_db()
    assert rectification.state == Rectification.State.OPEN
    assert rectification.return_comment == "缺少佐证材料"
    vice = staff(world)["vice_principal"]
    services.rectification_answer(user=vice, rectification_id=rectification.pk, response="已补充材料")
    services.rectification_close(user=world.inspector, rectification_id=rectification.pk, comment="整改到位")
    rectification.refresh_from_db()
    assert rectification.state == Rectification.State.CLOSED
    assert rectification.answered_by == vice
    assert rectification.closed_by == world.inspector
    assert [e.detail["new"]["state"] for e in events("rectification.answered")] == ["answered", "answered"]
    [returned] = events("rectification.returned")
    assert returned.detail["old"]["state"] == "answered" and returned.detail["new"]["state"] == "open"
    [closed] = events("rectification.closed")
    assert closed.school_id == world.school.pk and closed.actor_id == world.inspector.pk


ANSWER, RETURN, CLOSE = "answer", "return", "close"


def attempt(step: str, user, rectification_id: int, text: str = "说明") -> Rectification:
    if step == ANSWER:
        return services.rectification_answer(user=user, rectification_id=rectification_id, response=text)
    if step == RETURN:
        return services.rectification_return(user=user, rectification_id=rectification_id, comment=text)
    return services.rectification_close(user=user, rectification_id=rectification_id, comment=text)


# (step, state it starts from, persona) → the error, or None for success
MATRIX = [
    (ANSWER, "open", "principal", None),
    (ANSWER, "open", "vice_principal", None),
    (ANSWER, "open", "school_admin", Forbidden),
    (ANSWER, "open", "inspector", Forbidden),
    (ANSWER, "open", "teacher", NotFound),
    (ANSWER, "open", "counsellor", NotFound),
    (ANSWER, "open", "outsider", NotFound),
    (ANSWER, "open", "other_principal", NotFound),
    (ANSWER, "open", "other_inspector", NotFound),
    (ANSWER, "open", "superuser", NotFound),
    (ANSWER, "answered", "principal", Conflict),
    (ANSWER, "closed", "principal", Conflict),
    (RETURN, "answered", "inspector", None),
    (RETURN, "answered", "principal", Forbidden),
    (RETURN, "answered", "school_admin", Forbidden),
    (RETURN, "answered", "teacher", NotFound),
    (RETURN, "answered", "other_inspector", NotFound),
    (RETURN, "open", "inspector", Conflict),
    (RETURN, "closed", "inspector", Conflict),
    (CLOSE, "answered", "inspector", None),
    (CLOSE, "answered", "principal", Forbidden),
    (CLOSE, "answered", "vice_principal", Forbidden),
    (CLOSE, "answered", "outsider", NotFound),
    (CLOSE, "answered", "superuser", NotFound),
    (CLOSE, "open", "inspector", Conflict),
    (CLOSE, "closed", "inspector", Conflict),
]


@pytest.mark.parametrize(("step", "start", "persona", "error"), MATRIX)
def test_rectification_transitions_by_persona(world, step, start, persona, error) -> None:
    people = staff(world)
    rectification = open_rectification(world) if start == "open" else answered_rectification(world)
    if start == "closed":
        services.rectification_close(user=world.inspector, rectification_id=rectification.pk)
    rectification.refresh_from_db()
    before_state, before_events = rectification.state, AuditEvent.objects.count()
    if error is None:
        attempt(step, people[persona], rectification.pk)
        assert AuditEvent.objects.count() == before_events + 1
        event = AuditEvent.objects.order_by("-id")[0]
        assert event.school_id == world.school.pk and event.actor_id == people[persona].pk
    else:
        with pytest.raises(error) as caught:
            attempt(step, people[persona], rectification.pk)
        assert caught.value.status == {NotFound: 404, Forbidden: 403, Conflict: 409}[error]
        rectification.refresh_from_db()
        assert rectification.state == before_state
        assert AuditEvent.objects.count() == before_events


def test_an_answer_and_a_return_need_text(world) -> None:
    rectification = open_rectification(world)
    with pytest.raises(Invalid) as error:
        services.rectification_answer(user=world.principal, rectification_id=rectification.pk, response="  ")
    assert error.value.status == 400 and "response" in error.value.errors
    services.rectification_answer(user=world.principal, rectification_id=rectification.pk, response="已整改")
    with pytest.raises(Invalid) as error:
        services.rectification_return(user=world.inspector, rectification_id=rectification.pk, comment="")
    assert "comment" in error.value.errors
    rectification.refresh_from_db()
    assert rectification.state == Rectification.State.ANSWERED
    assert events("rectification.returned") == []


def test_rectifications_only_on_submitted_findings_that_need_one(world) -> None:
    inspection = draft_inspection(world)
    finding = services.finding_add(
        user=world.inspector, inspection_id=inspection.pk, text="x", needs_rectification=True
    )
    with pytest.raises(Conflict):
        services.rectification_open(user=world.inspector, finding_id=finding.pk, deadline=today())
    _inspection, plain = submitted_inspection(world, needs_rectification=False)
    with pytest.raises(Conflict):
        services.rectification_open(user=world.inspector, finding_id=plain.pk, deadline=today())
    rectification = open_rectification(world)
    with pytest.raises(Conflict):
        services.rectification_open(
            user=world.inspector, finding_id=rectification.finding_id, deadline=today()
        )
    _inspection, another = submitted_inspection(world)
    with pytest.raises(Invalid):
        services.rectification_open(
            user=world.inspector, finding_id=another.pk, deadline=today() - datetime.timedelta(days=1)
        )
    with pytest.raises(Forbidden):
        services.rectification_open(user=world.principal, finding_id=another.pk, deadline=today())
    assert Rectification.objects.count() == 1


def test_overdue_follows_the_calendar(world, time_machine) -> None:
    rectification = open_rectification(world, days=3)
    assert not rectification.is_overdue
    assert not Rectification.objects.overdue().exists()
    time_machine.move_to(timezone.now() + datetime.timedelta(days=4))
    rectification.refresh_from_db()
    assert rectification.is_overdue
    assert list(Rectification.objects.overdue()) == [rectification]
    services.rectification_answer(user=world.principal, rectification_id=rectification.pk, response="已整改")
    assert Rectification.objects.overdue().exists()  # answered but not closed: still overdue
    services.rectification_close(user=world.inspector, rectification_id=rectification.pk)
    assert not Rectification.objects.overdue().exists()


# --- notices -----------------------------------------------------------------------------------


def test_notices_are_issued_and_withdrawn_with_a_reason(world) -> None:
    notice = issue_notice(world, teachers=[world.owner], kind=Notice.Kind.CRITICISM)
    assert notice.published_at is not None and notice.issued_by == world.inspector
    assert list(notice.teachers.all()) == [world.owner]
    with pytest.raises(Invalid):
        services.notice_withdraw(user=world.inspector, notice_id=notice.pk, reason=" ")
    with pytest.raises(Forbidden):
        services.notice_withdraw(user=world.principal, notice_id=notice.pk, reason="x")
    with pytest.raises(Forbidden):
        services.notice_withdraw(user=world.owner, notice_id=notice.pk, reason="x")
    with pytest.raises(NotFound):
        services.notice_withdraw(user=world.outsider, notice_id=notice.pk, reason="x")
    services.notice_withdraw(user=world.inspector, notice_id=notice.pk, reason="事实有误")
    with pytest.raises(Conflict):
        services.notice_withdraw(user=world.inspector, notice_id=notice.pk, reason="again")
    notice.refresh_from_db()
    assert notice.is_withdrawn and notice.withdrawal_reason == "事实有误"
    assert Notice.objects.filter(pk=notice.pk).exists()
    [issued] = events("notice.issued")
    [withdrawn] = events("notice.withdrawn")
    assert issued.school_id == withdrawn.school_id == world.school.pk
    assert withdrawn.detail["new"] == {"withdrawn": True, "reason": "事实有误"}


def test_notice_validation(world) -> None:
    people = staff(world)
    with pytest.raises(Invalid) as error:
        services.notice_issue(
            user=world.inspector,
            school_id=world.school.pk,
            kind="praise",
            title="",
            text="",
            teacher_ids=[world.outsider.pk],
        )
    assert set(error.value.errors) == {"kind", "title", "text", "teachers"}
    draft = draft_inspection(world)
    with pytest.raises(Invalid) as error:
        services.notice_issue(
            user=world.inspector,
            school_id=world.school.pk,
            kind="commendation",
            title="t",
            text="t",
            inspection_id=draft.pk,
        )
    assert "inspection" in error.value.errors
    with pytest.raises(Invalid):
        services.notice_issue(
            user=people["other_inspector"],
            school_id=world.school.pk,
            kind="commendation",
            title="t",
            text="t",
        )
    with pytest.raises(Forbidden):
        services.notice_issue(
            user=world.principal, school_id=world.school.pk, kind="commendation", title="t", text="t"
        )
    assert not Notice.objects.exists()
    assert events("notice.issued") == []
