"""The school's counsellors hear of admin changes that can open a way to confidential notes
(docs/break-glass.md, "What the admin cannot do").

The Django admin can change who holds which position at a school, and which cases are
psychological. Neither opens a note by itself (a grant still needs a principal, and nobody grants
themselves), but together they are how a superuser would reach notes without break-glass: so
each such change is told to the school's counsellors, the notes' keepers, by e-mail after commit,
and the notice is audited (``notes.admin_change_notified``) in the admin's transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from casework import access
from casework.mail import Compose, mail_on_commit
from casework.models import Case, CaseCategory, CaseUserObjectPermission, Category
from schools.models import Membership, School

if TYPE_CHECKING:
    from accounts.models import User

# The positions that lead towards notes: a counsellor can be granted, a leader grants and may
# break the glass.
NOTE_ROLES = frozenset(
    {Membership.Role.COUNSELLOR, Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL}
)


def school_keeps_notes(school_id: int) -> bool:
    """Whether counsellors keep notes on any case of the school (psychological, or granted)."""
    return (
        CaseCategory.objects.filter(case__school_id=school_id, category=Category.PSYCHOLOGICAL).exists()
        or CaseUserObjectPermission.objects.filter(
            content_object__school_id=school_id, permission__codename=access.NOTES_PERMISSION
        ).exists()
    )


def school_counsellors(*, school_id: int, exclude: Collection[int] = ()) -> list[User]:
    """The school's active counsellors, but for the people excluded (the actor, the person changed)."""
    from accounts.models import User

    users = User.objects.filter(
        is_active=True,
        memberships__school_id=school_id,
        memberships__role=Membership.Role.COUNSELLOR,
        memberships__is_active=True,
    ).exclude(pk__in=list(exclude))
    return list(users.distinct().order_by("pk"))


def _role_label(value: str | None) -> str:
    return str(Membership.Role(value).label) if value in Membership.Role.values else (value or "")


def membership_change_notify(
    *,
    membership: Membership,
    change: str,
    old: dict[str, Any] | None,
    actor: User,
    context: AuditContext | None = None,
) -> list[int]:
    """Tell the counsellors of the school(s) concerned of an admin change to a membership that
    leads towards notes; the ids told. Inside the admin's transaction."""
    new: dict[str, Any] | None = None
    if change != "delete":
        new = {"school_id": membership.school_id, "role": membership.role, "is_active": membership.is_active}
    states = [state for state in (old, new) if state]
    if not {state["role"] for state in states} & NOTE_ROLES:
        return []
    told: list[int] = []
    school_ids: set[int] = {int(state["school_id"]) for state in states}
    for school_id in sorted(school_ids):
        if not school_keeps_notes(school_id):
            continue
        school = School.objects.get(pk=school_id)
        # Not the person whose position changed: the others are the ones to hear of it.
        recipients = school_counsellors(school_id=school_id, exclude=(actor.pk, membership.user_id))
        compose = _membership_mail(actor=actor, person=membership.user, school=school, old=old, new=new)
        mailed = mail_on_commit(recipients=recipients, compose=compose, label="admin membership notice")
        audit_record(
            action="notes.admin_change_notified",
            actor=actor,
            target=membership if membership.pk is not None else None,
            school_id=school_id,
            detail={
                "model": "schools.membership",
                "change": change,
                "user": membership.user_id,
                "old": old,
                "new": new,
                "notified": [user.pk for user in recipients],
                "mailed": mailed,
            },
            context=context,
        )
        told += [user.pk for user in recipients]
    return told


def _membership_mail(
    *, actor: User, person: User, school: School, old: dict[str, Any] | None, new: dict[str, Any] | None
) -> Compose:
    who = actor.get_full_name() or actor.username
    whom = person.get_full_name() or person.username
    name = school.name

    def state(value: dict[str, Any] | None) -> str:
        if value is None:
            return _("no position")
        label = _role_label(value["role"])
        return label if value["is_active"] else _("%(role)s (inactive)") % {"role": label}

    def compose() -> tuple[str, str]:
        subject = _("[Wanjia] A position at %(school)s was changed in the administration site") % {
            "school": name
        }
        body = "\n\n".join(
            [
                _(
                    "%(who)s changed the position of %(whom)s at %(school)s in the administration "
                    "site: %(old)s → %(new)s."
                )
                % {"who": who, "whom": whom, "school": name, "old": state(old), "new": state(new)},
                _(
                    "Such a change can lead towards the confidential notes you keep. If you did not "
                    "expect it, tell your principal or the bureau's inspectors."
                ),
            ]
        )
        return subject, body

    return compose


def case_categories_change_notify(
    *, case: Case, added: list[str], removed: list[str], actor: User, context: AuditContext | None = None
) -> list[int]:
    """Tell the school's counsellors that the admin made a case psychological, or no longer so
    (which changes which counsellors see it); the ids told. Inside the admin's transaction."""
    if Category.PSYCHOLOGICAL not in added and Category.PSYCHOLOGICAL not in removed:
        return []
    recipients = school_counsellors(school_id=case.school_id, exclude=(actor.pk,))
    who = actor.get_full_name() or actor.username
    link = reverse("casework:case_detail", args=[case.pk])
    made = Category.PSYCHOLOGICAL in added

    def compose() -> tuple[str, str]:
        if made:
            line = _("%(who)s marked case %(case)s as psychological in the administration site.")
        else:
            line = _("%(who)s took the psychological category off case %(case)s in the administration site.")
        subject = _("[Wanjia] Case %(case)s changed in the administration site") % {"case": case.pk}
        body = "\n\n".join([line % {"who": who, "case": case.pk}, _("The case: %(link)s") % {"link": link}])
        return subject, body

    mailed = mail_on_commit(recipients=recipients, compose=compose, label="admin category notice")
    audit_record(
        action="notes.admin_change_notified",
        actor=actor,
        target=case,
        case_id=case.pk,
        school_id=case.school_id,
        detail={
            "model": "casework.casecategory",
            "added": added,
            "removed": removed,
            "notified": [user.pk for user in recipients],
            "mailed": mailed,
        },
        context=context,
    )
    return [user.pk for user in recipients]
