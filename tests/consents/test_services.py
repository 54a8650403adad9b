"""Recording and withdrawing consents: who may, what is kept, what is in force, what is audited."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from consents import selectors
from consents.models import Consent, Purpose
from consents.rules import ConsentMissing, consent_given, consent_require
from consents.services import consent_record, consent_withdraw
from core.errors import Conflict, ErrorCode, Forbidden, Invalid, NotFound
from tests.builders import give_consent
from tests.casework.helpers import personas
from tests.factories import GuardianFactory, PupilFactory

PHOTOS = Purpose.HOME_VISIT_PHOTOS


@pytest.mark.smoke
def test_record_withdraw_and_the_history_kept(world) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    mother = GuardianFactory.create(pupil=pupil, name="王丽", relation="mother")
    assert not consent_given(pupil=pupil, purpose=PHOTOS)

    refused = consent_record(
        user=world.owner, pupil_id=pupil.pk, purpose=PHOTOS, granted=False, guardian_id=mother.pk
    )
    assert refused.guardian_name == "王丽" and refused.school == world.school  # the name is copied
    assert not consent_given(pupil=pupil, purpose=PHOTOS)
    given = consent_record(
        user=world.principal, pupil_id=pupil.pk, purpose=PHOTOS, granted=True, guardian_name=" 王爷爷 "
    )
    assert given.guardian is None and given.guardian_name == "王爷爷"
    assert consent_given(pupil=pupil, purpose=PHOTOS)
    assert not consent_given(pupil=pupil, purpose=Purpose.COUNSELLING)  # per purpose

    withdrawn = consent_withdraw(user=world.admin, consent_id=given.pk, reason="母亲电话撤回")
    assert withdrawn.withdrawn_by == world.admin and withdrawn.withdrawn_at is not None
    # Withdrawn is final: the earlier record does not come back into force.
    assert not consent_given(pupil=pupil, purpose=PHOTOS)
    states = {state.purpose: state.status for state in selectors.consent_states(pupil=pupil)}
    assert states == {
        PHOTOS: "withdrawn",
        Purpose.TRANSFER_SHARING: "missing",
        Purpose.COUNSELLING: "missing",
    }
    history = selectors.annotated_history(pupil=pupil)
    assert [(r.pk, r.status) for r in history] == [(given.pk, "withdrawn"), (refused.pk, "superseded")]

    again = give_consent(pupil, PHOTOS, by=world.owner)
    assert consent_given(pupil=pupil, purpose=PHOTOS)
    assert Consent.objects.filter(pupil=pupil).count() == 3  # nothing edited, nothing deleted
    assert [r.status for r in selectors.annotated_history(pupil=pupil)] == [
        "given",
        "withdrawn",
        "superseded",
    ]

    events = list(AuditEvent.objects.filter(action__startswith="consent.").order_by("id"))
    assert [e.action for e in events] == ["consent.recorded"] * 2 + ["consent.withdrawn", "consent.recorded"]
    assert events[0].detail == {
        "pupil_id": pupil.pk,
        "purpose": PHOTOS,
        "granted": False,
        "guardian": mother.pk,
    }
    assert events[2].detail == {"pupil_id": pupil.pk, "purpose": PHOTOS, "reason_length": 6}
    assert all(e.school_id == world.school.pk for e in events)
    assert events[3].target_id == str(again.pk)
    # Names and reasons stay out of the append-only trail.
    assert not any("王" in str(e.detail) or "撤回" in str(e.detail) for e in events)


def test_who_may_record_and_withdraw(world) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)  # class teacher: world.owner
    people = personas(world)
    for user in (world.owner, world.principal, people["vice_principal"], world.admin):
        give_consent(pupil, PHOTOS, by=user)
    for user, error in [
        (world.inspector, Forbidden),  # reads, never writes
        (world.colleague, NotFound),
        (world.counsellor, NotFound),
        (world.custodian, NotFound),
        (world.outsider, NotFound),
        (people["superuser"], NotFound),
        (people["other_inspector"], NotFound),
    ]:
        with pytest.raises(error):
            give_consent(pupil, PHOTOS, by=user)
        with pytest.raises(error):
            consent_withdraw(user=user, consent_id=Consent.objects.latest("id").pk, reason="x")
    assert Consent.objects.count() == 4
    assert not AuditEvent.objects.filter(action="consent.withdrawn").exists()


def test_a_class_teacher_who_left_the_school_may_no_longer_record(world) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    world.owner.memberships.update(is_active=False)
    with pytest.raises(NotFound):
        give_consent(pupil, PHOTOS, by=world.owner)


def test_bad_input_and_impossible_withdrawals(world) -> None:
    pupil = PupilFactory.create(classroom=world.classroom)
    stranger = GuardianFactory.create(pupil=PupilFactory.create(classroom=world.classroom))
    with pytest.raises(Invalid) as info:
        consent_record(user=world.owner, pupil_id=pupil.pk, purpose="selfies", granted=True)
    assert set(info.value.errors) == {"purpose", "guardian_name"}
    with pytest.raises(Invalid) as info:
        consent_record(
            user=world.owner, pupil_id=pupil.pk, purpose=PHOTOS, granted=True, guardian_id=stranger.pk
        )
    assert set(info.value.errors) == {"guardian"}  # another pupil's guardian
    with pytest.raises(Invalid) as info:
        consent_record(
            user=world.owner, pupil_id=pupil.pk, purpose=PHOTOS, granted=True, guardian_name="名" * 101
        )
    assert set(info.value.errors) == {"guardian_name"}

    refusal = give_consent(pupil, PHOTOS, by=world.owner, granted=False)
    with pytest.raises(Conflict) as conflict:
        consent_withdraw(user=world.owner, consent_id=refusal.pk, reason="x")
    assert conflict.value.code == "invalid_state"
    older = give_consent(pupil, Purpose.COUNSELLING, by=world.owner)
    newer = give_consent(pupil, Purpose.COUNSELLING, by=world.owner)
    with pytest.raises(Conflict):
        consent_withdraw(user=world.owner, consent_id=older.pk, reason="x")  # not the current record
    with pytest.raises(Invalid) as info:
        consent_withdraw(user=world.owner, consent_id=newer.pk, reason="  ")
    assert set(info.value.errors) == {"reason"}
    consent_withdraw(user=world.owner, consent_id=newer.pk, reason="家长来电")
    with pytest.raises(Conflict):
        consent_withdraw(user=world.owner, consent_id=newer.pk, reason="again")
    with pytest.raises(NotFound):
        consent_withdraw(user=world.owner, consent_id=10**9, reason="x")
    assert AuditEvent.objects.filter(action="consent.withdrawn").count() == 1


@pytest.mark.smoke
def test_consent_require_for_each_purpose_transfer_included(world) -> None:
    """The check other apps call. The transfer of a pupil to another school is not built yet: it
    must call ``consent_require(pupil=..., purpose=TRANSFER_SHARING)`` first (docs/consent.md)."""
    pupil = PupilFactory.create(classroom=world.classroom, name="李小明")
    for purpose in Purpose.values:
        with pytest.raises(ConsentMissing) as info:
            consent_require(pupil=pupil, purpose=purpose)
        assert info.value.code == ErrorCode.CONSENT_MISSING and info.value.status == 400
        assert "李小明" in info.value.message and info.value.errors == {"consent": [info.value.message]}
    with pytest.raises(ConsentMissing) as info:
        consent_require(pupil=pupil, purpose=Purpose.TRANSFER_SHARING, field="transfer")
    assert set(info.value.errors) == {"transfer"}
    give_consent(pupil, Purpose.TRANSFER_SHARING, by=world.principal)
    consent_require(pupil=pupil, purpose=Purpose.TRANSFER_SHARING)  # in force: no error
    with pytest.raises(ConsentMissing):
        consent_require(pupil=pupil, purpose=PHOTOS)
    with pytest.raises(ValueError, match="Unknown consent purpose"):
        consent_require(pupil=pupil, purpose="marketing")


def test_a_consent_is_given_to_a_school(world) -> None:
    """After a move to another school (the transfer work will do this through its service), the
    old school's consents are history: the new school asks again."""
    pupil = PupilFactory.create(classroom=world.classroom)
    give_consent(pupil, PHOTOS, by=world.owner)
    # Written directly on purpose: there is no transfer service yet.
    type(pupil).objects.filter(pk=pupil.pk).update(school=world.other_school, classroom=world.other_classroom)
    pupil.refresh_from_db()
    assert not consent_given(pupil=pupil, purpose=PHOTOS)
    assert [state.status for state in selectors.consent_states(pupil=pupil)] == ["missing"] * 3
    assert [r.status for r in selectors.annotated_history(pupil=pupil)] == ["superseded"]
