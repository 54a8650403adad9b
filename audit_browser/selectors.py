"""Who may read which audit events. The browser, the exports and the API all read through here.

- Inspectors (BureauMembership, role inspector) read the events of every school of their bureau,
  and the bureau-level events (those without a school).
- Principals and vice principals read the events of their own school(s), nothing else.
- Everyone else reads no audit event: the audit-wide pages and the API refuse them (403); the
  pages about one case or one pupil answer 404, like every page about a record one may not see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AuditEvent
from audit_browser.filters import AuditFilters
from casework.access import case_refusal
from casework.models import Case, HomeVisit
from core.errors import Forbidden, NotFound, Refusal
from schools.models import BureauMembership, Membership, Pupil, School

AUDIT_LEADERS = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL)
# Who reads some of the trail (audit_scope_for_user): school leaders, the bureau's inspectors.
AUDIT_READERS = (*AUDIT_LEADERS, BureauMembership.Role.INSPECTOR)

# What counts as "looking at a pupil's records" in the per-pupil access log (audit.services.audit_view
# writes the views; audit.receivers the refused attempts).
PUPIL_VIEWED = "pupil.viewed"
CASE_VIEWED = "case.viewed"
VISIT_VIEWED = "visit.viewed"
EXPORTED = "audit.exported"
ACCESS_REFUSED = "access.refused"
# Events of the pupil's cases: the case page, its tutoring and counselling pages, its visits,
# the confidential notes read (or refused), exports of the case's trail, attachments downloaded,
# and attempts refused on the case or on anything of it (a visit, a task, an attachment).
CASE_ACCESS_ACTIONS = (
    CASE_VIEWED,
    "tutoring.viewed",
    "counselling.viewed",
    VISIT_VIEWED,
    "note.read",
    "note.read_refused",
    # An emergency access to the notes (docs/break-glass.md) counts as looking, from the moment it opens.
    "notes.break_glass_opened",
    EXPORTED,
    "attachment.downloaded",
    ACCESS_REFUSED,
)
# The pupil's own events: the pupil page, the special-group archive, exports of their evidence
# file and of everything held on them (the data-subject export), attempts refused on them.
PUPIL_ACCESS_ACTIONS = (
    PUPIL_VIEWED,
    "archive.viewed",
    "evidence.exported",
    "pupil.subject_export",
    ACCESS_REFUSED,
)
# The pupil's home visits, with a case or without one: views and refused attempts.
VISIT_ACCESS_ACTIONS = (VISIT_VIEWED, ACCESS_REFUSED)


class AuditForbidden(Forbidden):
    """The user has no role that reads the audit trail."""


@dataclass(frozen=True)
class AuditScope:
    """The schools whose events the user may read, and whether bureau-level events too."""

    school_ids: frozenset[int] = frozenset()
    bureau_level: bool = False

    def __bool__(self) -> bool:
        return bool(self.school_ids) or self.bureau_level

    def condition(self) -> Q:
        condition = Q(school_id__in=sorted(self.school_ids)) if self.school_ids else Q(pk__in=[])
        if self.bureau_level:
            condition |= Q(school__isnull=True)
        return condition

    def single_school(self) -> int | None:
        """The one school of a principal's scope (for attributing their exports), else None."""
        if not self.bureau_level and len(self.school_ids) == 1:
            return next(iter(self.school_ids))
        return None


def audit_scope_for_user(*, user: User | AnonymousUser) -> AuditScope:
    """Resolved into a short list of school ids, so that event queries use the school index."""
    if not user.is_authenticated or not user.is_active:
        return AuditScope()
    schools = set(
        Membership.objects.filter(user=user, is_active=True, role__in=AUDIT_LEADERS).values_list(
            "school_id", flat=True
        )
    )
    bureaus = list(
        BureauMembership.objects.filter(
            user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
        ).values_list("bureau_id", flat=True)
    )
    if bureaus:
        schools |= set(School.objects.filter(bureau_id__in=bureaus).values_list("id", flat=True))
    return AuditScope(school_ids=frozenset(schools), bureau_level=bool(bureaus))


def audit_scope_required(*, user: User | AnonymousUser) -> AuditScope:
    scope = audit_scope_for_user(user=user)
    if not scope:
        raise AuditForbidden(
            _("Only the bureau's inspectors and the school's principals may read the audit trail."),
            code="permission_denied",
        )
    return scope


def audit_school_list_for_user(*, user: User | AnonymousUser) -> QuerySet[School]:
    """The schools offered in the browser's school filter."""
    return School.objects.filter(pk__in=sorted(audit_scope_for_user(user=user).school_ids)).order_by("code")


def _ordered(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    return events.select_related("school").order_by("-occurred_at", "-id")


def audit_event_list_for_user(
    *, user: User | AnonymousUser, filters: AuditFilters | None = None, scope: AuditScope | None = None
) -> QuerySet[AuditEvent]:
    """The events the user may read, filtered, newest first; AuditForbidden without an audit role."""
    scope = scope or audit_scope_required(user=user)
    events = AuditEvent.objects.filter(scope.condition())
    if filters is not None:
        events = filters.apply(events)
    return _ordered(events)


def audit_case_get_for_user(*, user: User | AnonymousUser, case_id: int) -> Case:
    """A case whose trail the user may read (inspector of its bureau, principal of its school)."""
    scope = audit_scope_for_user(user=user)
    case = Case.objects.filter(pk=case_id).select_related("pupil", "school").first()
    if case is None or case.school_id not in scope.school_ids:
        raise NotFound(_("No such case."), code="not_found", refusal=case_refusal(case) if case else None)
    return case


def audit_case_events_for_user(
    *, user: User | AnonymousUser, case: Case, filters: AuditFilters | None = None
) -> QuerySet[AuditEvent]:
    """Every event of the case the user may read, views included, newest first."""
    return audit_event_list_for_user(user=user, filters=filters).filter(case_id=case.pk)


def audit_pupil_get_for_user(*, user: User | AnonymousUser, pupil_id: int) -> Pupil:
    """A pupil whose access log the user may read (inspector of the bureau, principal of the school)."""
    scope = audit_scope_for_user(user=user)
    pupil = Pupil.objects.filter(pk=pupil_id).select_related("school", "classroom").first()
    if pupil is None or pupil.school_id not in scope.school_ids:
        refusal = Refusal(target=pupil, school_id=pupil.school_id, pupil_id=pupil.pk) if pupil else None
        raise NotFound(_("No such pupil."), code="not_found", refusal=refusal)
    return pupil


def audit_pupil_access_log_for_user(
    *, user: User | AnonymousUser, pupil: Pupil, filters: AuditFilters | None = None
) -> QuerySet[AuditEvent]:
    """Who looked at the pupil's records, or tried to: views of the pupil and of their archive;
    views of their cases, of the cases' tutoring and counselling pages, reads of their
    confidential notes; views of their home visits; exports and downloads; refused attempts.

    Indexed conditions OR-ed together: (target_type, target_id) for the pupil's own events and for
    those of their visits (a visit without a case has no case id), (case_id, occurred_at) for
    those of their cases.
    """
    case_ids = sorted(Case.objects.filter(pupil_id=pupil.pk).values_list("id", flat=True))
    visit_ids = sorted(HomeVisit.objects.filter(pupil_id=pupil.pk).values_list("id", flat=True))
    condition = Q(
        target_type=Pupil._meta.label_lower, target_id=str(pupil.pk), action__in=PUPIL_ACCESS_ACTIONS
    )
    if case_ids:
        condition |= Q(case_id__in=case_ids, action__in=CASE_ACCESS_ACTIONS)
    if visit_ids:
        condition |= Q(
            target_type=HomeVisit._meta.label_lower,
            target_id__in=[str(pk) for pk in visit_ids],
            action__in=VISIT_ACCESS_ACTIONS,
        )
    return audit_event_list_for_user(user=user, filters=filters).filter(condition)
