"""Reads of cases that depend on who is asking."""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.models import AuditEvent
from casework import access, rules
from casework.models import (
    BreakGlassAccess,
    Case,
    CaseCategory,
    CaseUserObjectPermission,
    Category,
    HomeVisit,
    State,
    SupportPlan,
    VisitGiftReport,
    VisitParticipant,
    VisitPlan,
)
from core.errors import Forbidden, NotFound
from schools.models import BureauMembership, Membership, Pupil, School

LEADERSHIP = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL, Membership.Role.SCHOOL_ADMIN)


def case_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Case]:
    """Every case the user may see (see docs/case-lifecycle.md for the rules).

    The scope is resolved first into short lists of ids (a few small indexed queries), so the
    case query itself is an OR of plain indexed conditions on the case table — school_id,
    owner_id, pupil_id, id — which PostgreSQL answers with a bitmap of index scans instead of
    a sequential scan of all cases.
    """
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()

    memberships = list(Membership.objects.filter(user=user, is_active=True).values_list("school_id", "role"))
    # Owner and class teacher count only at schools where the user still works (docs/people.md).
    member_schools = sorted({school for school, _role in memberships})
    whole_schools = {school for school, role in memberships if role in LEADERSHIP}
    counsellor_schools = {school for school, role in memberships if role == Membership.Role.COUNSELLOR}
    inspected_bureaus = list(
        BureauMembership.objects.filter(
            user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
        ).values_list("bureau_id", flat=True)
    )
    if inspected_bureaus:
        whole_schools |= set(
            School.objects.filter(bureau_id__in=inspected_bureaus).values_list("id", flat=True)
        )

    condition = Q(pk__in=[])
    if member_schools:
        condition |= Q(owner_id=user.pk, school_id__in=member_schools)
    if whole_schools:
        condition |= Q(school_id__in=sorted(whole_schools))
    class_pupils = list(
        Pupil.objects.filter(classroom__class_teacher=user, school_id__in=member_schools)
        .exclude(school_id__in=whole_schools)
        .values_list("id", flat=True)
    )
    if class_pupils:
        condition |= Q(pupil_id__in=class_pupils)
    counsellor_schools -= whole_schools
    if counsellor_schools:
        case_ids = set(
            CaseCategory.objects.filter(
                category=Category.PSYCHOLOGICAL, case__school_id__in=counsellor_schools
            ).values_list("case_id", flat=True)
        )
        case_ids |= set(
            CaseUserObjectPermission.objects.filter(
                user=user,
                permission__codename=access.NOTES_PERMISSION,
                content_object__school_id__in=counsellor_schools,
            ).values_list("content_object_id", flat=True)
        )
        if case_ids:
            condition |= Q(id__in=sorted(case_ids))
    return Case.objects.filter(condition)


def case_list_page_queryset(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """What a page of cases shows, fetched in a fixed number of queries."""
    return queryset.select_related("pupil", "pupil__classroom", "school", "owner").prefetch_related(
        Prefetch("categories", queryset=CaseCategory.objects.order_by("category"))
    )


def case_get_for_user(*, user: User | AnonymousUser, case_id: int) -> Case:
    """The case, or NotFound when it does not exist for this user."""
    case = (
        Case.objects.filter(pk=case_id)
        .select_related("pupil", "pupil__classroom", "school", "owner", "current_visit")
        .prefetch_related("categories")
        .first()
    )
    if case is None or not access.case_roles(case, user):
        # An existing case refused is audited (access.refused); either way the answer is 404.
        raise NotFound(
            _("No such case."), code="not_found", refusal=access.case_refusal(case) if case else None
        )
    return case


@dataclass(frozen=True)
class TransitionChoice:
    name: str
    label: str
    comment_required: bool
    outcome_required: bool = False
    help: str = ""


def available_transitions(*, case: Case, user: User | AnonymousUser) -> list[TransitionChoice]:
    """The transitions the user may take now: right role, right state, conditions met.

    Transitions that also need a comment are listed (the form asks for it).
    """
    from casework.transitions import TRANSITIONS

    choices = []
    for transition in case.get_available_user_state_transitions(user):  # type: ignore[attr-defined]
        spec = TRANSITIONS[transition.name]
        if spec.four_eyes and not rules.is_not_plan_author(case, user):
            continue
        choices.append(
            TransitionChoice(
                transition.name, str(spec.label), spec.comment_required, spec.outcome_required, str(spec.help)
            )
        )
    return choices


def counsellor_list_for_case(*, case: Case) -> QuerySet[User]:
    """The active counsellors of the case's school, each marked ``granted`` if they hold the grant."""
    granted = CaseUserObjectPermission.objects.filter(
        content_object_id=case.pk, user=OuterRef("pk"), permission__codename=access.NOTES_PERMISSION
    )
    return (
        User.objects.filter(
            memberships__school_id=case.school_id,
            memberships__role=Membership.Role.COUNSELLOR,
            memberships__is_active=True,
        )
        .annotate(granted=Exists(granted))
        .order_by("full_name", "username")
        .distinct()
    )


# --- home visits (docs/home-visits.md) ------------------------------------------------------------

VISIT_RELATED = (
    "pupil",
    "pupil__classroom",
    "school",
    "school__bureau",
    "case",
    "case__pupil",
    "case__pupil__classroom",
    "case__school",
    "plan",
    "follow_up_of",
)


def visit_list_for_user(*, user: User | AnonymousUser) -> QuerySet[HomeVisit]:
    """Every visit the user may see: their own (as a participant), their class's pupils', every
    visit of the schools they lead (principal, vice principal) or inspect, and the visits of the
    cases they see. Resolved into short id lists first, like ``case_list_for_user``."""
    if not user.is_authenticated or not user.is_active:
        return HomeVisit.objects.none()
    memberships = list(Membership.objects.filter(user=user, is_active=True).values_list("school_id", "role"))
    # Participant and class teacher count only at schools where the user still works.
    member_schools = sorted({school for school, _role in memberships})
    led = {school for school, role in memberships if role in access.VISIT_LEADER_ROLES}
    inspected_bureaus = list(
        BureauMembership.objects.filter(
            user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
        ).values_list("bureau_id", flat=True)
    )
    if inspected_bureaus:
        led |= set(School.objects.filter(bureau_id__in=inspected_bureaus).values_list("id", flat=True))
    # An IN (sub-query) among the ORs makes PostgreSQL scan every visit of the city (a hashed
    # sub-plan is no index condition), so one's own visits and the cases seen are id lists here.
    condition = Q(
        id__in=list(
            VisitParticipant.objects.filter(user_id=user.pk, visit__school_id__in=member_schools).values_list(
                "visit_id", flat=True
            )
        )
    )
    if led:
        condition |= Q(school_id__in=sorted(led))
    class_pupils = list(
        Pupil.objects.filter(classroom__class_teacher=user, school_id__in=member_schools)
        .exclude(school_id__in=led)
        .values_list("id", flat=True)
    )
    if class_pupils:
        condition |= Q(pupil_id__in=class_pupils)
    cases = case_list_for_user(user=user)
    if inspected_bureaus:
        # Inspectors see the whole city: a scan is the right plan, and the list would be long.
        condition |= Q(case_id__in=cases.values("id"))
    else:
        condition |= Q(case_id__in=list(cases.values_list("id", flat=True)))
    return HomeVisit.objects.filter(condition)


def visit_list_page_queryset(queryset: QuerySet[HomeVisit]) -> QuerySet[HomeVisit]:
    """What a page of visits shows, fetched in a fixed number of queries."""
    return queryset.select_related("pupil", "pupil__classroom", "school", "case", "plan").prefetch_related(
        Prefetch("participants", queryset=User.objects.order_by("full_name", "username"))
    )


def visit_get_for_user(*, user: User | AnonymousUser, visit_id: int) -> HomeVisit:
    """The visit, or NotFound (404) when it does not exist for this user."""
    visit = HomeVisit.objects.select_related(*VISIT_RELATED).filter(pk=visit_id).first()
    if visit is None or not access.visit_roles(visit, user):
        raise NotFound(
            _("No such visit."), code="not_found", refusal=access.visit_refusal(visit) if visit else None
        )
    return visit


def visit_check_write(*, visit: HomeVisit, user: User | AnonymousUser) -> None:
    """Forbidden (403) unless the user may write on the visit (appoint, record, ...)."""
    if not access.may_write_visit(visit, user):
        raise Forbidden(_("Only the visit's participants may do this."))


def visit_get_for_write(*, user: User | AnonymousUser, visit_id: int) -> HomeVisit:
    """The visit if the user may write on it: 404 when unseen, 403 when read-only."""
    visit = visit_get_for_user(user=user, visit_id=visit_id)
    visit_check_write(visit=visit, user=user)
    return visit


def visit_gift_reports_for_user(*, visit: HomeVisit, user: User | AnonymousUser) -> list[VisitGiftReport]:
    """Refused-gift reports: all of them for the school's leaders and inspectors, else one's own."""
    reports = visit.gift_reports.select_related("reported_by").order_by("-reported_at", "-id")
    if not access.visit_roles(visit, user) & {access.LEADER, access.INSPECTOR}:
        reports = reports.filter(reported_by_id=user.pk)
    return list(reports)


def visit_plan_list_for_user(*, user: User | AnonymousUser) -> QuerySet[VisitPlan]:
    """The plans of the user's schools (any member of staff), or of the bureau for inspectors."""
    if not user.is_authenticated or not user.is_active:
        return VisitPlan.objects.none()
    schools = School.objects.filter(
        Q(memberships__user=user, memberships__is_active=True)
        | Q(
            bureau__memberships__user=user,
            bureau__memberships__is_active=True,
            bureau__memberships__role=BureauMembership.Role.INSPECTOR,
        )
    ).values("id")
    return VisitPlan.objects.filter(school_id__in=schools)


def visit_plan_get_for_user(*, user: User | AnonymousUser, plan_id: int) -> VisitPlan:
    plan = (
        visit_plan_list_for_user(user=user)
        .select_related("school", "campaign", "term", "classroom", "created_by")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise NotFound(_("No such visit plan."), code="not_found")
    return plan


def visit_planner_school_ids(*, user: User | AnonymousUser) -> set[int]:
    """Schools where the user plans visits (principal, vice principal, school administrator)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(
        Membership.objects.filter(user=user, is_active=True, role__in=access.PLANNER_ROLES).values_list(
            "school_id", flat=True
        )
    )


# --- break-glass: emergency accesses to confidential notes (docs/break-glass.md) ----------------

BREAK_GLASS_LEADERS = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL)


def bureaus_inspected_by(*, user: User | AnonymousUser) -> set[int]:
    """The ids of the bureaus the user is an active inspector of."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(
        BureauMembership.objects.filter(
            user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
        ).values_list("bureau_id", flat=True)
    )


def inspects_school(*, user: User | AnonymousUser, school: School) -> bool:
    """An active inspector of the school's bureau."""
    if not user.is_authenticated or not user.is_active:
        return False
    return BureauMembership.objects.filter(
        user=user, bureau_id=school.bureau_id, role=BureauMembership.Role.INSPECTOR, is_active=True
    ).exists()


def _break_glass_scope(user: User) -> Q:
    """Accesses to cases of the bureaus the user inspects or of the schools they lead (subqueries:
    the menu's badge counts them inside its one query)."""
    inspected = BureauMembership.objects.filter(
        user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
    ).values("bureau_id")
    led = Membership.objects.filter(user=user, is_active=True, role__in=BREAK_GLASS_LEADERS).values(
        "school_id"
    )
    return Q(case__school__bureau_id__in=inspected) | Q(case__school_id__in=led)


def break_glass_unreviewed_for_user(*, user: User) -> QuerySet[BreakGlassAccess]:
    """The emergency accesses the user oversees that nobody has reviewed yet (none for others)."""
    if not user.is_active:
        return BreakGlassAccess.objects.none()
    return BreakGlassAccess.objects.filter(_break_glass_scope(user), reviewed_at__isnull=True)


def break_glass_list_for_user(
    *, user: User | AnonymousUser, reviewed: bool | None = None
) -> QuerySet[BreakGlassAccess]:
    """The emergency accesses an inspector (their bureaus) or a principal or vice principal (their
    schools) oversees, newest first; NotFound for everyone else."""
    if not user.is_authenticated or not user.is_active:
        raise NotFound(_("No such page."))
    oversees = (
        BureauMembership.objects.filter(
            user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
        ).exists()
        or Membership.objects.filter(user=user, is_active=True, role__in=BREAK_GLASS_LEADERS).exists()
    )
    if not oversees:
        raise NotFound(_("No such page."))
    accesses = BreakGlassAccess.objects.filter(_break_glass_scope(user))
    if reviewed is not None:
        accesses = accesses.filter(reviewed_at__isnull=not reviewed)
    return accesses.select_related("case", "case__pupil", "case__school", "user", "reviewed_by").order_by(
        "-opened_at", "-id"
    )


def break_glass_get_for_user(*, user: User | AnonymousUser, access_id: int) -> BreakGlassAccess:
    """One emergency access the user oversees, or NotFound."""
    if not user.is_authenticated or not user.is_active:
        raise NotFound(_("No such emergency access."))
    found = (
        BreakGlassAccess.objects.filter(_break_glass_scope(user), pk=access_id)
        .select_related("case", "case__pupil", "case__school", "user", "reviewed_by")
        .first()
    )
    if found is None:
        raise NotFound(_("No such emergency access."))
    return found


def break_glass_for_case(*, case: Case) -> QuerySet[BreakGlassAccess]:
    """The case's emergency accesses, newest first (the notes page shows them to its readers)."""
    return case.break_glass.select_related("user", "reviewed_by").order_by("-opened_at", "-id")


# --- the support plan's approval (docs/case-lifecycle.md) ------------------------------------------


@dataclass(frozen=True)
class DiffPart:
    """A run of text of a plan field: kept ("equal"), added ("insert") or removed ("delete")."""

    op: str
    text: str


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    text: str
    changed: bool
    parts: list[DiffPart]


@dataclass(frozen=True)
class PlanReview:
    """The plan up for approval and what changed since the version last submitted before it."""

    plan: SupportPlan | None
    previous: SupportPlan | None
    fields: list[FieldDiff]

    @property
    def changed(self) -> bool:
        return any(field.changed for field in self.fields)


def _diff_parts(old: str, new: str) -> list[DiffPart]:
    # Character level: Chinese text has no spaces between words.
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    parts: list[DiffPart] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(DiffPart("equal", new[b1:b2]))
            continue
        if op in ("delete", "replace"):
            parts.append(DiffPart("delete", old[a1:a2]))
        if op in ("insert", "replace"):
            parts.append(DiffPart("insert", new[b1:b2]))
    return parts


def plan_review(*, case: Case) -> PlanReview:
    """The latest plan and, field by field, what changed since the previous submitted version
    (two queries). Without an earlier submission every field is shown as it is."""
    versions = list(case.plans.select_related("author").order_by("-version")[:1])
    plan = versions[0] if versions else None
    previous = None
    if plan is not None:
        previous = (
            case.plans.filter(submitted_at__isnull=False, version__lt=plan.version)
            .select_related("author")
            .order_by("-version")
            .first()
        )
    fields = []
    for name in SupportPlan.CONTENT_FIELDS:
        label = str(getattr(SupportPlan._meta.get_field(name), "verbose_name", name))
        new = getattr(plan, name, "") if plan is not None else ""
        if previous is None:
            fields.append(FieldDiff(name, label, new, False, [DiffPart("equal", new)] if new else []))
            continue
        old = getattr(previous, name)
        fields.append(FieldDiff(name, label, new, old != new, _diff_parts(old, new)))
    return PlanReview(plan=plan, previous=previous, fields=fields)


@dataclass(frozen=True)
class ReturnNote:
    """Why the plan went back to the paired teacher: the principal's reason, by whom, when."""

    transition: str
    reason: str
    by: str
    at: datetime.datetime


SENT_BACK = ("return_plan", "revise_plan")


def plan_return_notes(*, case_ids: Iterable[int]) -> dict[int, ReturnNote]:
    """For the given cases in planning, the reason their plan was sent back, when the last thing
    that happened to them was that (one query, read from the audit trail)."""
    ids = list(Case.objects.filter(pk__in=list(case_ids), state=State.PLANNING).values_list("pk", flat=True))
    if not ids:
        return {}
    events = (
        AuditEvent.objects.filter(case_id__in=ids, action="case.transition")
        .select_related("actor")
        .order_by("case_id", "-occurred_at", "-id")
    )
    notes: dict[int, ReturnNote] = {}
    seen: set[int] = set()
    for event in events:
        if event.case_id is None or event.case_id in seen:
            continue
        seen.add(event.case_id)
        detail = event.detail or {}
        if event.erased_at is None and detail.get("transition") in SENT_BACK:
            actor = event.actor.get_full_name() if event.actor else event.actor_label
            notes[event.case_id] = ReturnNote(
                detail["transition"], detail.get("comment", ""), actor, event.occurred_at
            )
    return notes


def plan_return_note(*, case: Case) -> ReturnNote | None:
    if case.state != State.PLANNING:
        return None
    return plan_return_notes(case_ids=[case.pk]).get(case.pk)


# --- what to do next on a case, and where (the task inbox maps its tasks here too) -----------------


@dataclass(frozen=True)
class WorkStep:
    """The work a case waits for, in words, and the page where it is done."""

    code: str  # "plan", "approval", "appointment", "visit_record", "review"
    label: str
    url: str
    help: str = ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def case_work(
    *,
    case: Case,
    state: str | None = None,
    worker: bool,
    leader: bool,
    returned: bool = False,
    next_url: str = "",
) -> WorkStep | None:
    """The work of a case in ``state`` (its own by default) for a worker (paired or class teacher)
    or a leader, or None. No query: reads only the case's state, id and current visit.

    ``workflows.selectors.task_action`` maps each task of the flow here, so a task in the inbox,
    the task page and the case page all name the same work and open the same page.
    """
    state = state or case.state
    if state in (State.IDENTIFIED, State.PLANNING) and worker:
        if returned:
            label, help_text = (
                _("Revise the plan and submit it again"),
                _("The plan was sent back: change it as asked, then submit it again."),
            )
        else:
            label, help_text = (
                _("Write the support plan and submit it"),
                _("Write the goals and measures, then submit the plan to the principal for approval."),
            )
        url = reverse("casework:plan_create", args=[case.pk])
        return WorkStep("plan", str(label), _with_next(url, next_url), str(help_text))
    if state == State.AWAITING_APPROVAL and leader:
        url = reverse("casework:plan_approval", args=[case.pk])
        return WorkStep(
            "approval",
            str(_("Review the plan: approve or return it")),
            _with_next(url, next_url),
            str(
                _("See the plan, what changed since the last version and the pupil's situation, then decide.")
            ),
        )
    if state == State.INTERVENTION and worker:
        url = reverse("casework:visit_schedule", args=[case.pk])
        return WorkStep(
            "appointment",
            str(_("Make the appointment for the home visit")),
            _with_next(url, next_url),
            str(_("Agree a time with the guardians; then go on the visit.")),
        )
    if state == State.HOME_VISIT and worker and case.current_visit_id:
        url = reverse("casework:visit_record", args=[case.pk, case.current_visit_id])
        return WorkStep(
            "visit_record",
            str(_("Write the home visit record")),
            _with_next(url, next_url),
            str(_("Write up what you saw and agreed, with the no-gifts pledge; then complete the visit.")),
        )
    if state == State.REVIEW and (worker or leader):
        url = reverse("casework:case_detail", args=[case.pk]) + "#next-steps"
        return WorkStep(
            "review",
            str(_("Review the case: continue, revise the plan or close")),
            url,
            str(_("Look at the visit record and the plan, then choose the next step on the case page.")),
        )
    return None


def case_work_for_user(*, case: Case, user: User | AnonymousUser) -> WorkStep | None:
    """The case page's work step for this user, or None when the step is a button on the page
    (a plan ready to submit, an appointment ready to go on, a record filed)."""
    roles = access.case_roles(case, user)
    worker = bool(roles & access.WORKERS)
    leader = access.LEADER in roles
    if case.state == State.PLANNING and worker and case.latest_plan() is not None:
        if rules.plan_changed_since_submitted(case):
            return None  # the plan is ready: "Submit the plan for approval" is the step
        return case_work(case=case, worker=worker, leader=leader, returned=True)
    if case.state == State.AWAITING_APPROVAL and leader and not rules.is_not_plan_author(case, user):
        return None
    if case_work_done(case=case) or case.state == State.REVIEW:
        return None
    return case_work(case=case, worker=worker, leader=leader)


def case_work_done(*, case: Case) -> bool:
    """The worker's page work of the case's state is done and its step is now a button: an
    appointment is made ("Start the home visit"), the visit is recorded with the pledge
    ("Complete the home visit"). The case page and a task's page then offer the button, not the
    form again."""
    if case.state == State.INTERVENTION:
        return rules.has_open_appointment(case)
    if case.state == State.HOME_VISIT:
        return rules.current_visit_recorded_with_pledge(case)
    return False
