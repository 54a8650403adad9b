"""The sections of the evidence files, one function each: adding a section is adding a function
to TEACHER_SECTIONS or PUPIL_SECTIONS.

Every section reads only what the person exporting may see under the record's own rules: cases
through ``case_list_for_user``, parents' opinions through ``opinions.access.visible_q``, ledger
entries only for the schools whose ledger they keep or sign. A teacher's file names pupils by
their surname and masked given name (王**) with the case number: it goes to evaluation
committees, and the school can match the number to its records. It carries no family details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from care.models import TutoringSession
from casework.models import Case, CaseCategory, SupportPlan, VisitParticipant
from casework.selectors import visit_list_for_user
from evidence.document import Cell, Section
from evidence.selectors import Period
from opinions.access import visible_q
from opinions.models import ParentOpinion
from schools.models import Membership, Pupil, School
from sixones.access import act_visible_q, essay_visible_q, handbook_visible_q, school_visible_q
from sixones.checklist import ITEMS, teacher_flags
from sixones.models import ActOfHelp, Handbook, ParentsMeeting, VisitEssay
from support.access import LEDGER_ROLES
from support.models import EntryKind, LedgerEntry


def masked(name: str) -> str:
    """王小明 → 王**: enough for the school to recognise, not for a stranger to identify."""
    return name[:1] + "*" * (len(name) - 1)


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def case_number(case_id: int) -> str:
    return f"#{case_id}"


def categories_text(case: Case) -> str:
    return "、".join(str(category.get_category_display()) for category in case.categories.all())


def _with_categories(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.prefetch_related(Prefetch("categories", queryset=CaseCategory.objects.order_by("category")))


def _open_during(cases: QuerySet[Case], period: Period) -> QuerySet[Case]:
    """Cases that were open on at least one day of the period."""
    return cases.filter(created_at__lt=period.end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=period.start)
    )


@dataclass
class TeacherFile:
    viewer: User
    teacher: User
    school: School
    period: Period
    visible_cases: QuerySet[Case] = field(repr=False)


@dataclass
class PupilFile:
    viewer: User
    pupil: Pupil
    period: Period
    visible_cases: QuerySet[Case] = field(repr=False)  # the pupil's cases the viewer may see


# --- the teacher's file ---------------------------------------------------------------------


def teacher_cases(data: TeacherFile) -> Section:
    cases = _with_categories(
        _open_during(data.visible_cases.filter(owner=data.teacher), data.period).select_related(
            "pupil", "pupil__classroom"
        )
    ).order_by("created_at", "id")
    return Section(
        key="cases",
        title=_("Pupils paired with (结对帮扶)"),
        columns=[
            _("Case"),
            _("Pupil"),
            _("Class"),
            _("Categories"),
            _("State"),
            _("Opened on"),
            _("Closed on"),
        ],
        rows=[
            [
                case_number(case.pk),
                masked(case.pupil.name),
                case.pupil.classroom.label if case.pupil.classroom else "",
                categories_text(case),
                str(case.get_state_display()),
                timezone.localdate(case.created_at),
                timezone.localdate(case.closed_at) if case.closed_at else None,
            ]
            for case in cases
        ],
        empty_text=_("No case paired with this teacher was open in this year."),
    )


def teacher_plans(data: TeacherFile) -> Section:
    plans = (
        SupportPlan.objects.filter(
            author=data.teacher,
            created_at__gte=data.period.start,
            created_at__lt=data.period.end,
            case__in=data.visible_cases,
        )
        .select_related("case__pupil")
        .order_by("created_at", "id")
    )
    return Section(
        key="plans",
        title=_("Support plans written"),
        columns=[_("Date"), _("Case"), _("Pupil"), _("Version"), _("Goals"), _("Measures")],
        widths=[1.3, 0.8, 0.9, 0.7, 3, 3],
        rows=[
            [
                timezone.localdate(plan.created_at),
                case_number(plan.case_id),
                masked(plan.case.pupil.name),
                plan.version,
                plan.goals,
                plan.measures,
            ]
            for plan in plans
        ],
        empty_text=_("No support plan written in this year."),
    )


def teacher_visits(data: TeacherFile) -> Section:
    """Visits made in the year that the teacher took part in, arranged or wrote up, with or without
    a case (the visit's own rules); the date, the kind and the no-gifts pledge only — what the
    family said stays in the visit record."""
    visits = (
        visit_list_for_user(user=data.viewer)
        .filter(visited_at__gte=data.period.start, visited_at__lt=data.period.end)
        .filter(
            Q(id__in=VisitParticipant.objects.filter(user=data.teacher).values("visit_id"))
            | Q(scheduled_by=data.teacher)
            | Q(recorded_by=data.teacher)
        )
        .select_related("pupil", "pupil__classroom")
        .order_by("visited_at", "id")
    )
    return Section(
        key="visits",
        title=_("Home visits taken part in"),
        columns=[_("Date"), _("Case"), _("Pupil"), _("Class"), _("Kind"), _("No-gifts pledge (清廉家访)")],
        rows=[
            [
                timezone.localdate(visit.visited_at) if visit.visited_at else None,
                case_number(visit.case_id) if visit.case_id else "",
                masked(visit.pupil.name),
                visit.pupil.classroom.label if visit.pupil.classroom else "",
                str(visit.get_kind_display()),
                yes_no(visit.no_gifts_pledge),
            ]
            for visit in visits
        ],
        empty_text=_("No home visit in this year."),
    )


def teacher_opinions(data: TeacherFile) -> Section:
    """Opinions the teacher recorded or handled. Never those about the teacher: parents must be
    able to complain safely, and a complaint is no evidence of the teacher's work."""
    opinions = (
        ParentOpinion.objects.filter(visible_q(data.viewer))
        .filter(Q(raised_by=data.teacher) | Q(handled_by=data.teacher))
        .exclude(about_teacher=data.teacher)
        .filter(raised_on__gte=data.period.starts_on, raised_on__lte=data.period.ends_on)
        .select_related("pupil")
        .order_by("raised_on", "id")
    )
    rows = []
    for opinion in opinions:
        parts = []
        if opinion.raised_by_id == data.teacher.pk:
            parts.append(_("recorded"))
        if opinion.handled_by_id == data.teacher.pk:
            parts.append(_("handled"))
        rows.append(
            [
                opinion.raised_on,
                masked(opinion.pupil.name) if opinion.pupil else "",  # an opinion on the school at large
                str(opinion.get_about_display()),
                str(opinion.get_state_display()),
                "、".join(parts),
                opinion.answered_to_parents_on,
            ]
        )
    return Section(
        key="opinions",
        title=_("Parents' opinions recorded or handled"),
        columns=[_("Raised on"), _("Pupil"), _("About"), _("State"), _("Part taken"), _("Parents told on")],
        rows=rows,
        empty_text=_("No parents' opinion in this year."),
    )


def teacher_ledger(data: TeacherFile) -> Section | None:
    """Ledger entries the teacher recorded as donation custodian, for the schools whose ledger the
    person exporting keeps or signs (the ledger's own rule). No section for anyone else."""
    custodian_at = set(
        Membership.objects.filter(
            user=data.teacher, is_active=True, role=Membership.Role.CUSTODIAN
        ).values_list("school_id", flat=True)
    )
    readable = set(
        Membership.objects.filter(
            user=data.viewer,
            is_active=True,
            role__in=sorted(LEDGER_ROLES),
            school_id__in=sorted(custodian_at),
        ).values_list("school_id", flat=True)
    )
    if not readable:
        return None
    entries = list(
        LedgerEntry.objects.filter(
            recorded_by=data.teacher,
            school_id__in=sorted(readable),
            occurred_on__gte=data.period.starts_on,
            occurred_on__lte=data.period.ends_on,
        ).order_by("occurred_on", "id")
    )
    seen = set(
        data.visible_cases.filter(id__in=sorted({e.case_id for e in entries if e.case_id})).values_list(
            "id", flat=True
        )
    )
    return Section(
        key="ledger",
        title=_("Support ledger entries recorded"),
        columns=[
            _("Date"),
            _("Kind"),
            _("Amount (yuan)"),
            _("Goods"),
            _("Quantity"),
            _("Purpose"),
            _("Case"),
        ],
        rows=[
            [
                entry.occurred_on,
                str(entry.get_kind_display()),
                entry.amount,
                entry.goods,
                entry.quantity,
                entry.purpose,
                case_number(entry.case_id) if entry.case_id in seen else ("—" if entry.case_id else ""),
            ]
            for entry in entries
        ],
        empty_text=_("No ledger entry recorded in this year."),
    )


def teacher_six_ones(data: TeacherFile) -> Section:
    """The six ones (六个一) checklist, filled from the records themselves (sixones.checklist)."""
    campaign = data.period.campaign
    section = Section(key="six_ones", title=_("The six ones (六个一)"), columns=[_("Item"), _("Done")])
    if campaign is None:
        section.paragraphs = [
            _("The bureau has not set up this campaign year, so there is no six-ones record.")
        ]
        return section
    flags = teacher_flags(campaign=campaign, user_ids=[data.teacher.pk]).get(data.teacher.pk)
    section.rows = [[str(label), yes_no(bool(flags and flags.flags[key]))] for key, label in ITEMS]
    return section


def teacher_six_ones_records(data: TeacherFile) -> Section | None:
    """The teacher's essays, parents' meetings, acts of help and handbook of the year, each under
    its own visibility rule (inspectors see exemplary essays only; acts follow their case)."""
    campaign = data.period.campaign
    if campaign is None:
        return None
    viewer, teacher = data.viewer, data.teacher
    rows: list[list[Cell]] = []
    for essay in VisitEssay.objects.filter(essay_visible_q(viewer), author=teacher, campaign=campaign):
        title = f"《{essay.title}》"
        rows.append(
            [_("visit essay"), essay.written_on, f"{title} {_('exemplary')}" if essay.exemplary else title]
        )
    meetings = ParentsMeeting.objects.filter(school_visible_q(viewer), organisers=teacher, campaign=campaign)
    for meeting in meetings:
        detail = _("%(topic)s, %(count)s attending") % {
            "topic": meeting.topic,
            "count": meeting.attendee_count,
        }
        rows.append([_("parents' meeting"), meeting.held_on, detail])
    acts = ActOfHelp.objects.filter(act_visible_q(viewer), teacher=teacher, campaign=campaign).select_related(
        "pupil"
    )
    for act in acts:
        rows.append([_("act of help"), act.done_on, f"{masked(act.pupil.name)}：{act.what}"])
    for handbook in Handbook.objects.filter(handbook_visible_q(viewer), teacher=teacher, campaign=campaign):
        detail = _("compiled from %(count)s home visits") % {"count": handbook.visit_count}
        rows.append([_("home-visit handbook"), timezone.localdate(handbook.compiled_at), detail])
    rows.sort(key=lambda row: (str(row[1]), str(row[0])))
    return Section(
        key="six_ones_records",
        title=_("Six-ones records"),
        columns=[_("Record"), _("Date"), _("Detail")],
        rows=rows,
        widths=[1.2, 1, 4],
        empty_text=_("No six-ones record in this year."),
    )


TEACHER_SECTIONS: list[Callable[[TeacherFile], Section | None]] = [
    teacher_cases,
    teacher_plans,
    teacher_visits,
    teacher_opinions,
    teacher_ledger,
    teacher_six_ones,
    teacher_six_ones_records,
]


# --- the pupil's file -----------------------------------------------------------------------


def pupil_cases(data: PupilFile) -> Section:
    cases = _with_categories(_open_during(data.visible_cases, data.period).select_related("owner")).order_by(
        "created_at", "id"
    )
    return Section(
        key="cases",
        title=_("Support cases"),
        columns=[
            _("Case"),
            _("Categories"),
            _("State"),
            _("Paired teacher"),
            _("Opened on"),
            _("Closed on"),
            _("Outcome"),
        ],
        rows=[
            [
                case_number(case.pk),
                categories_text(case),
                str(case.get_state_display()),
                case.owner.get_full_name(),
                timezone.localdate(case.created_at),
                timezone.localdate(case.closed_at) if case.closed_at else None,
                str(case.get_closure_outcome_display()) if case.closure_outcome else "",
            ]
            for case in cases
        ],
        empty_text=_("No support case that you can see was open in this year."),
    )


def pupil_plans(data: PupilFile) -> Section:
    plans = SupportPlan.objects.filter(
        case__in=data.visible_cases, created_at__gte=data.period.start, created_at__lt=data.period.end
    ).order_by("created_at", "id")
    return Section(
        key="plans",
        title=_("Support plans"),
        columns=[_("Date"), _("Case"), _("Version"), _("Goals"), _("Measures")],
        widths=[1.3, 0.8, 0.7, 3, 3],
        rows=[
            [
                timezone.localdate(plan.created_at),
                case_number(plan.case_id),
                plan.version,
                plan.goals,
                plan.measures,
            ]
            for plan in plans
        ],
        empty_text=_("No support plan written in this year."),
    )


def pupil_visits(data: PupilFile) -> Section:
    """The pupil's visits the viewer may see, with or without a case."""
    visits = (
        visit_list_for_user(user=data.viewer)
        .filter(pupil=data.pupil, visited_at__gte=data.period.start, visited_at__lt=data.period.end)
        .order_by("visited_at", "id")
    )
    return Section(
        key="visits",
        title=_("Home visits"),
        columns=[_("Date"), _("Case"), _("Kind"), _("Measures agreed with the parents")],
        widths=[1.3, 0.8, 1, 4],
        rows=[
            [
                timezone.localdate(visit.visited_at) if visit.visited_at else None,
                case_number(visit.case_id) if visit.case_id else "",
                str(visit.get_kind_display()),
                visit.measures_agreed,
            ]
            for visit in visits
        ],
        empty_text=_("No home visit in this year."),
    )


def pupil_support(data: PupilFile) -> Section:
    """Disbursements from the support ledger to the pupil's cases that the viewer may see; a
    reversed one is marked, as on the ledger."""
    entries = list(
        LedgerEntry.objects.filter(
            case__in=data.visible_cases,
            kind=EntryKind.DISBURSEMENT,
            occurred_on__gte=data.period.starts_on,
            occurred_on__lte=data.period.ends_on,
        ).order_by("occurred_on", "id")
    )
    reversed_ids = set(
        LedgerEntry.objects.filter(reverses_id__in=[e.pk for e in entries]).values_list(
            "reverses_id", flat=True
        )
    )
    return Section(
        key="support",
        title=_("Support received from the ledger"),
        columns=[
            _("Date"),
            _("Case"),
            _("Amount (yuan)"),
            _("Goods"),
            _("Quantity"),
            _("Purpose"),
            _("Reversed"),
        ],
        rows=[
            [
                entry.occurred_on,
                case_number(entry.case_id) if entry.case_id else "",
                entry.amount,
                entry.goods,
                entry.quantity,
                entry.purpose,
                yes_no(entry.pk in reversed_ids),
            ]
            for entry in entries
        ],
        empty_text=_("No support from the ledger in this year."),
    )


def pupil_tutoring(data: PupilFile) -> Section:
    """Tutoring sessions on the pupil's visible cases: what the comprehensive quality evaluation can
    use as evidence of academic support and progress. Counselling sessions are left out on purpose
    (docs/evidence-exports.md): the case's category already says support was given."""
    sessions = TutoringSession.objects.filter(
        case__in=data.visible_cases, held_on__gte=data.period.starts_on, held_on__lte=data.period.ends_on
    ).order_by("held_on", "id")
    return Section(
        key="tutoring",
        title=_("Tutoring sessions"),
        columns=[
            _("Date"),
            _("Case"),
            _("Subject"),
            _("Minutes"),
            _("Mastery (1–5)"),
            _("Score"),
            _("Outcome"),
        ],
        widths=[1.3, 0.8, 1, 0.8, 0.9, 0.8, 3],
        rows=[
            [
                session.held_on,
                case_number(session.case_id),
                str(session.get_subject_display()),
                session.duration_minutes,
                session.level,
                session.score,
                session.outcome,
            ]
            for session in sessions
        ],
        empty_text=_("No tutoring session in this year."),
    )


PUPIL_SECTIONS: list[Callable[[PupilFile], Section | None]] = [
    pupil_cases,
    pupil_plans,
    pupil_visits,
    pupil_tutoring,
    pupil_support,
]
