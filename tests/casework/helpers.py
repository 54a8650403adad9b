"""People for case tests: staff added to a school, and the personas the case rules single out.

    from tests.casework.helpers import add_staff, personas

    people = personas(world)  # once per test: adds a vice principal, superusers, ...

Cases, plans and visits come from ``tests.builders``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from schools.models import BureauMembership, Membership, School
from tests.factories import (
    BureauFactory,
    BureauMembershipFactory,
    MembershipFactory,
    UserFactory,
)

if TYPE_CHECKING:
    from accounts.models import User
    from tests.conftest import World


def add_staff(username: str, school: School, role: str = Membership.Role.TEACHER) -> User:
    """A user with one active membership of the school (get-or-create by username)."""
    user = UserFactory.create(username=username)
    MembershipFactory.create(user=user, school=school, role=role)
    return user


def personas(world: World) -> dict[str, User]:
    """The world's people plus the ones the case rules single out, keyed by a short name.

    ``owner`` is the case owner and ``class_teacher`` the pupil's class teacher of a case
    opened with ``open_case(world.classroom, by=world.colleague)`` (``world.colleague`` and
    ``world.owner``). Added:
    ``vice_principal``; ``bystander`` (a teacher of the school with no tie to the case);
    ``superuser`` (is_superuser, no membership); ``super_principal`` (is_superuser and the
    school's principal); ``other_inspector`` (inspector of another bureau);
    ``other_counsellor`` (counsellor of ``world.other_school``).
    Call it once per test (the added memberships are unique).
    """
    superuser = UserFactory.create(username="superuser", is_superuser=True, is_staff=True)
    super_principal = add_staff("super_principal", world.school, Membership.Role.PRINCIPAL)
    super_principal.is_superuser = super_principal.is_staff = True
    super_principal.save(update_fields=["is_superuser", "is_staff"])
    other_inspector = UserFactory.create(username="other_inspector")
    BureauMembershipFactory.create(
        user=other_inspector,
        bureau=BureauFactory.create(code="elsewhere"),
        role=BureauMembership.Role.INSPECTOR,
    )
    return {
        "owner": world.colleague,
        "class_teacher": world.owner,
        "bystander": add_staff("bystander", world.school),
        "outsider": world.outsider,
        "counsellor": world.counsellor,
        "principal": world.principal,
        "vice_principal": add_staff("vice_principal", world.school, Membership.Role.VICE_PRINCIPAL),
        "school_admin": world.admin,
        "custodian": world.custodian,
        "inspector": world.inspector,
        "other_inspector": other_inspector,
        "other_counsellor": add_staff("other_counsellor", world.other_school, Membership.Role.COUNSELLOR),
        "superuser": superuser,
        "super_principal": super_principal,
    }
