"""The staff of a school: who may manage it, the list, adding a member of staff, and inviting them.

A principal, vice principal or school administrator manages the staff of their school. Adding
someone creates their account (no password yet) and their roles, and invites them
(accounts.invitations): a link and a code, delivered by e-mail and/or SMS and shown once to the
administrator. Accounts that already have a password are never invited: they log in, or reset it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.invitations import IssuedInvitation, invitation_create
from accounts.models import Invitation, User
from audit.services import AuditContext, audit_record
from core.errors import Forbidden, Invalid, NotFound
from core.text import clean_text
from schools.models import Membership, School
from schools.roster.parsing import InvalidValue, parse_phone
from schools.selectors import LEADERSHIP_ROLES

Role = Membership.Role

# Who manages a school's staff: the same people who import its rosters.
STAFF_ADMIN_ROLES = LEADERSHIP_ROLES
ROLE_ORDER = {role: index for index, role in enumerate(Role.values)}


def school_list_for_staff_admin(*, user: User) -> QuerySet[School]:
    """Schools whose staff the user manages (principal, vice principal, school administrator)."""
    if not user.is_authenticated or not user.is_active:
        return School.objects.none()
    return (
        School.objects.filter(
            memberships__user=user, memberships__is_active=True, memberships__role__in=STAFF_ADMIN_ROLES
        )
        .distinct()
        .order_by("code")
    )


def school_get_for_staff_admin(*, user: User, school_id: int) -> School:
    """A school whose staff the user manages; NotFound for any other (unseen as well as not theirs)."""
    school = school_list_for_staff_admin(user=user).filter(pk=school_id).first()
    if school is None:
        raise NotFound(_("No such school."))
    return school


@dataclass
class StaffMember:
    user: User
    roles: list[str] = field(default_factory=list)
    invitation_expires_at: datetime.datetime | None = None  # of the pending invitation, if any

    @property
    def joined(self) -> bool:
        """Has chosen a password (by invitation, reset or the admin)."""
        return self.user.has_usable_password()

    @property
    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]


def staff_list(*, school: School, user_id: int | None = None) -> list[StaffMember]:
    """The school's active staff (or only ``user_id``) with their roles and invitation, by name:
    two queries."""
    members: dict[int, StaffMember] = {}
    memberships = (
        Membership.objects.filter(school=school, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__username", "user_id")
    )
    if user_id is not None:
        memberships = memberships.filter(user_id=user_id)
    for membership in memberships:
        member = members.setdefault(membership.user_id, StaffMember(user=membership.user))
        member.roles.append(membership.role)
    for member in members.values():
        member.roles.sort(key=lambda role: ROLE_ORDER.get(role, len(ROLE_ORDER)))
    pending = Invitation.objects.filter(
        user_id__in=members, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).values_list("user_id", "expires_at")
    for user_id, expires_at in pending:
        members[user_id].invitation_expires_at = expires_at
    return list(members.values())


def staff_member_get(*, school: School, user_id: int) -> StaffMember:
    members = staff_list(school=school, user_id=user_id)
    if not members:
        raise NotFound(_("No such member of staff."))
    return members[0]


@dataclass(frozen=True)
class StaffAdded:
    member: StaffMember
    invitation: IssuedInvitation


def _clean_new_person(
    *, full_name: str, phone: str, email: str, username: str, roles: Sequence[str]
) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    values: dict[str, object] = {}
    full_name = clean_text(full_name)
    if not full_name:
        errors["full_name"] = [_("Give the person's name.")]
    elif len(full_name) > 64:
        errors["full_name"] = [_("At most 64 characters.")]
    try:
        phone = parse_phone(clean_text(phone))
    except InvalidValue as exc:
        errors["phone"] = [str(exc)]
    else:
        if not phone:
            errors["phone"] = [_("Give the person's mobile phone number.")]
    email = clean_text(email)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    username = clean_text(username) or phone
    if username and not errors.get("phone"):
        try:
            User.username_validator(username)
        except ValidationError as exc:
            errors["username"] = list(exc.messages)
        else:
            if len(username) > 150:
                errors["username"] = [_("At most 150 characters.")]
            elif User.objects.filter(username=username).exists():
                errors["username"] = [
                    _("The username %(username)s is taken; choose another one.") % {"username": username}
                ]
    unknown = [role for role in roles if role not in Role.values]
    if not roles or unknown:
        errors["roles"] = [_("Choose at least one role.")] if not roles else [_("Unknown role.")]
    if errors:
        raise Invalid(_("The member of staff could not be added."), errors=errors)
    values.update(full_name=full_name, phone=phone, email=email, username=username)
    return values


def staff_add(
    *,
    school: School,
    actor: User,
    full_name: str,
    phone: str,
    roles: Sequence[str],
    email: str = "",
    username: str = "",
    base_url: str,
    context: AuditContext | None = None,
) -> StaffAdded:
    """Create a member of staff of ``school`` (a new account, no password yet) and invite them.

    The username defaults to the phone number. An existing username is refused: people who are
    already in Wanjia are given roles by the staff roster import or in the admin.
    """
    roles = list(dict.fromkeys(roles))
    values = _clean_new_person(full_name=full_name, phone=phone, email=email, username=username, roles=roles)
    with transaction.atomic():
        user = User(**values)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            raise Invalid(
                _("The member of staff could not be added."),
                errors={"username": [_("The username %(username)s is taken.") % {"username": user.username}]},
            ) from exc
        Membership.objects.bulk_create(
            [
                Membership(user=user, school=school, role=role, joined_on=timezone.localdate())
                for role in roles
            ]
        )
        audit_record(
            action="staff.added",
            actor=actor,
            target=user,
            school_id=school.pk,
            detail={"username": user.username, "roles": roles, "email": bool(user.email)},
            context=context,
        )
        issued = _invite(school=school, user=user, actor=actor, base_url=base_url, context=context)
    member = StaffMember(user=user, roles=sorted(roles, key=ROLE_ORDER.__getitem__))
    member.invitation_expires_at = issued.invitation.expires_at
    return StaffAdded(member=member, invitation=issued)


def staff_invite(
    *, school: School, user: User, actor: User, base_url: str, context: AuditContext | None = None
) -> IssuedInvitation:
    """Invite (again) a member of staff of ``school`` who has no password yet; a new invitation
    replaces the pending one. Refused for site administrators, and for people who also work at a
    school the inviting person does not manage (they would get hold of that account)."""
    if not Membership.objects.filter(school=school, user=user, is_active=True).exists():
        raise NotFound(_("No such member of staff."))
    if user.is_superuser or user.is_staff:
        raise Forbidden(_("This person is a site administrator; change them in the admin."))
    managed = set(school_list_for_staff_admin(user=actor).values_list("pk", flat=True))
    elsewhere = Membership.objects.filter(user=user, is_active=True).exclude(school_id__in=managed).exists()
    if school.pk not in managed or elsewhere:
        raise Forbidden(
            _(
                "This person also works at a school you do not manage; an administrator of that school must invite them."
            )
        )
    with transaction.atomic():
        return _invite(school=school, user=user, actor=actor, base_url=base_url, context=context)


def staff_invite_new(
    *,
    school: School,
    user_ids: Iterable[int],
    actor: User,
    base_url: str,
    context: AuditContext | None = None,
) -> list[tuple[User, IssuedInvitation]]:
    """Invite the accounts a staff roster import just created (each has no password yet)."""
    invited = []
    with transaction.atomic():
        for user in User.objects.filter(pk__in=list(user_ids)).order_by("full_name", "username"):
            invited.append(
                (
                    user,
                    staff_invite(school=school, user=user, actor=actor, base_url=base_url, context=context),
                )
            )
    return invited


def _invite(
    *, school: School, user: User, actor: User, base_url: str, context: AuditContext | None
) -> IssuedInvitation:
    issued = invitation_create(user=user, invited_by=actor, base_url=base_url)
    audit_record(
        action="invitation.sent",
        actor=actor,
        target=user,
        school_id=school.pk,
        # Never the link's token or the code: the trail is read by more people than the invitee.
        detail={
            "invitation": issued.invitation.pk,
            "channels": [str(channel) for channel in issued.channels],
            "expires_at": issued.invitation.expires_at.isoformat(),
            "replaced": issued.replaced,
        },
        context=context,
    )
    return issued


def staff_leads_school(*, user: User, school: School) -> bool:
    """Whether the user is an active principal or vice principal of the school."""
    return Membership.objects.filter(
        user=user,
        school=school,
        is_active=True,
        role__in=(Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL),
    ).exists()
