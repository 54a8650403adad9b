"""case_list_for_user and case_get_for_user: the visibility table of docs/case-lifecycle.md."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from casework import access, services
from casework.models import Case
from casework.selectors import case_get_for_user, case_list_for_user, case_list_page_queryset
from core.errors import NotFound
from schools.models import Membership
from tests.builders import open_case
from tests.casework.helpers import add_staff, personas
from tests.factories import ClassroomFactory, MembershipFactory


@pytest.fixture
def cast(world):
    return personas(world)


@pytest.fixture
def cases(world, cast) -> dict[str, Case]:
    """Five cases that tell the visibility rules apart.

    academic, psych: owned by world.colleague, pupil in world.classroom (class teacher world.owner)
    elsewhere: owned by world.colleague, pupil in a class without a class teacher
    granted: owned by the vice principal, a counsellor granted by the principal
    other_school: at world.other_school, psychological, owned by world.outsider (its class teacher)
    """
    no_teacher = ClassroomFactory.create(school=world.school, grade=5, number=9, class_teacher=None)
    granted = open_case(no_teacher, by=cast["vice_principal"], categories=["special_group"])
    services.counsellor_grant(case_id=granted.pk, user=world.principal, counsellor_id=world.counsellor.pk)
    return {
        "academic": open_case(world.classroom, by=world.colleague, categories=["academic"]),
        "psych": open_case(world.classroom, by=world.colleague, categories=["psychological"]),
        "elsewhere": open_case(no_teacher, by=world.colleague, categories=["poverty"]),
        "granted": granted,
        "other_school": open_case(world.other_classroom, by=world.outsider, categories=["psychological"]),
    }


SCHOOL_A = {"academic", "psych", "elsewhere", "granted"}
VISIBLE = {
    "owner": {"academic", "psych", "elsewhere"},
    "class_teacher": {"academic", "psych"},
    "bystander": set(),
    "outsider": {"other_school"},
    "counsellor": {"psych", "granted"},  # the school's psychological cases, and its grants
    "principal": SCHOOL_A,
    "vice_principal": SCHOOL_A,
    "school_admin": SCHOOL_A,
    "custodian": set(),
    "inspector": SCHOOL_A | {"other_school"},  # the whole bureau
    "other_inspector": set(),
    "other_counsellor": {"other_school"},
    "superuser": set(),  # the superuser flag opens nothing
    "super_principal": SCHOOL_A,
}


def visible_names(user, cases: dict[str, Case]) -> set[str]:
    ids = list(case_list_for_user(user=user).values_list("pk", flat=True))
    assert len(ids) == len(set(ids)), "duplicate rows"
    by_id = {case.pk: name for name, case in cases.items()}
    return {by_id[pk] for pk in ids}


@pytest.mark.smoke
def test_the_visibility_table(cast, cases):
    assert {name: visible_names(user, cases) for name, user in cast.items()} == VISIBLE
    assert visible_names(AnonymousUser(), cases) == set()


def test_the_list_and_the_roles_agree(cast, cases):
    """A case is listed exactly when case_roles gives the user a role on it (else 404)."""
    for name, user in cast.items():
        for case_name, case in cases.items():
            listed = case_list_for_user(user=user).filter(pk=case.pk).exists()
            fresh = Case.objects.select_related("pupil__classroom", "school").get(pk=case.pk)
            assert listed == bool(access.case_roles(fresh, user)), (name, case_name)
            if listed:
                assert case_get_for_user(user=user, case_id=case.pk) == case
            else:
                with pytest.raises(NotFound):
                    case_get_for_user(user=user, case_id=case.pk)


def test_inactive_users_and_memberships_see_nothing(world, cast, cases):
    principal, owner = cast["principal"], cast["owner"]
    Membership.objects.filter(user=principal).update(is_active=False)
    assert visible_names(principal, cases) == set()
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert visible_names(owner, cases) == set()
    with pytest.raises(NotFound):
        case_get_for_user(user=owner, case_id=cases["academic"].pk)
    cast["inspector"].bureau_memberships.update(is_active=False)
    assert visible_names(cast["inspector"], cases) == set()


def test_a_revoked_counsellor_no_longer_lists_the_case(world, cast, cases):
    services.counsellor_revoke(
        case_id=cases["granted"].pk, user=world.principal, counsellor_id=world.counsellor.pk
    )
    assert visible_names(cast["counsellor"], cases) == {"psych"}


def test_a_class_teacher_sees_the_cases_of_their_class_only(world, cast, cases):
    # Another class of the same school led by the bystander: the bystander sees its cases only.
    room = ClassroomFactory.create(school=world.school, grade=6, number=2, class_teacher=cast["bystander"])
    theirs = open_case(room, by=world.colleague)
    cases = {**cases, "theirs": theirs}
    assert visible_names(cast["bystander"], cases) == {"theirs"}
    assert visible_names(cast["class_teacher"], cases) == {"academic", "psych"}


def test_no_duplicates_when_a_user_matches_several_branches(world, cast, cases):
    """Principal and counsellor of the school, owner and class teacher, and inspector too."""
    boss = cast["principal"]
    MembershipFactory.create(user=boss, school=world.school, role=Membership.Role.COUNSELLOR)
    MembershipFactory.create(user=boss, school=world.other_school, role=Membership.Role.COUNSELLOR)
    world.inspector.bureau_memberships.update(user=boss)
    room = ClassroomFactory.create(school=world.school, grade=3, number=3, class_teacher=boss)
    own = open_case(room, by=boss, categories=["psychological"])
    services.counsellor_grant(case_id=own.pk, user=cast["vice_principal"], counsellor_id=boss.pk)
    assert access.case_roles(Case.objects.get(pk=own.pk), boss) >= {
        access.OWNER,
        access.CLASS_TEACHER,
        access.LEADER,
        access.NOTES,
        access.INSPECTOR,
    }
    everything = {**cases, "own": own}
    assert visible_names(boss, everything) == set(everything)
    queryset = case_list_for_user(user=boss)
    assert queryset.count() == len(everything)
    assert len(list(case_list_page_queryset(queryset))) == len(everything)


def test_a_teacher_who_leads_a_class_and_owns_cases_elsewhere(world, cast, cases):
    """Class teacher in one school, owner in the other (a teacher who moved schools)."""
    mover = add_staff("mover", world.other_school)
    MembershipFactory.create(user=mover, school=world.school)
    led = ClassroomFactory.create(school=world.school, grade=2, number=4, class_teacher=mover)
    in_class = open_case(led, by=world.colleague)
    owned = open_case(world.other_classroom, by=mover)
    everything = {**cases, "in_class": in_class, "owned": owned}
    assert visible_names(mover, everything) == {"in_class", "owned"}
