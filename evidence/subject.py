"""The pupil's data-subject export (个人信息查阅): everything Wanjia holds on one pupil, for a
guardian's request, built as the neutral ``EvidenceDocument`` that the JSON and PDF renderers share.

Unlike the evidence files, this export is not filtered by what the person exporting may see: it is
the school's answer to the family (the principal runs it, docs/evidence-exports.md), so it holds
every record about the pupil, whoever wrote it. Two things are deliberately left out:

- the content of confidential counselling notes: the export says that notes exist and how many,
  and that their content is released only through the counsellor (the Minors Protection Law and
  the Mental Health Law keep a minor's counselling records confidential; the counsellor judges
  what may be disclosed, and to whom);
- the bytes of attachments: their names, types, sizes and SHA-256 are listed; the files
  themselves are handed over one by one, each download audited.

Adding a section is adding a function to ``SUBJECT_SECTIONS``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from attachments.models import Attachment
from audit.models import AuditEvent
from audit_browser.selectors import audit_pupil_access_log_for_user
from care.models import CounsellingSession, SpecialGroupArchive, TutoringSession
from casework.models import Case, CaseCategory, CounsellingNote, HomeVisit, SupportPlan, VisitGiftReport
from casework.timeline import case_timeline
from consents.selectors import annotated_history
from evidence.document import Cell, Section
from evidence.sections import case_number, categories_text, yes_no
from inspections.models import Inspection
from opinions.models import ParentOpinion
from schools.models import Pupil
from sixones.models import ActOfHelp, VisitEssay
from support.models import DisbursementRequest, LedgerEntry


def when(moment: datetime.datetime | None) -> str:
    """A moment as local date and time text (Asia/Shanghai), "" for none."""
    return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment is not None else ""


def name_of(user: User | None) -> str:
    return user.get_full_name() if user is not None else ""


@dataclass
class SubjectFile:
    viewer: User
    pupil: Pupil
    cases: list[Case] = field(default_factory=list, repr=False)  # every case of the pupil
    visits: list[HomeVisit] = field(default_factory=list, repr=False)  # every visit of the pupil

    @classmethod
    def gather(cls, *, viewer: User, pupil: Pupil) -> SubjectFile:
        cases = list(
            Case.objects.filter(pupil=pupil)
            .select_related("owner", "opened_by", "school")
            .prefetch_related(Prefetch("categories", queryset=CaseCategory.objects.order_by("category")))
            .order_by("created_at", "id")
        )
        visits = list(
            HomeVisit.objects.filter(pupil=pupil)
            .select_related("recorded_by", "scheduled_by", "planned_by")
            .prefetch_related("participants")
            .order_by("created_at", "id")
        )
        return cls(viewer=viewer, pupil=pupil, cases=cases, visits=visits)

    @property
    def case_ids(self) -> list[int]:
        return [case.pk for case in self.cases]

    @property
    def visit_ids(self) -> list[int]:
        return [visit.pk for visit in self.visits]


def pupil_record(data: SubjectFile) -> Section:
    pupil = data.pupil
    rows: list[list[Cell]] = [
        [_("Name"), pupil.name],
        [_("Student number"), pupil.student_number],
        [_("Gender"), str(pupil.get_gender_display())],
        [_("Birth date"), pupil.birth_date],
        [_("School"), pupil.school.name],
        [_("Home address"), pupil.home_address],
        [_("Special groups"), "、".join(pupil.special_groups)],
        [_("On roll"), yes_no(pupil.is_active)],
        [_("Notes"), pupil.notes],
        [_("Record created"), when(pupil.created_at)],
        [_("Record last changed"), when(pupil.updated_at)],
    ]
    return Section(
        key="pupil", title=_("The pupil"), columns=[_("Field"), _("Value")], rows=rows, widths=[1, 3]
    )


def guardians(data: SubjectFile) -> Section:
    return Section(
        key="guardians",
        title=_("Guardians"),
        columns=[_("Name"), _("Relation"), _("Phone"), _("Lives with the pupil"), _("Works away from home")],
        rows=[
            [
                guardian.name,
                str(guardian.get_relation_display()),
                guardian.phone,
                yes_no(guardian.lives_with_pupil),
                yes_no(guardian.works_away),
            ]
            for guardian in data.pupil.guardians.order_by("position", "pk")
        ],
        empty_text=_("No guardian is recorded."),
    )


def classes(data: SubjectFile) -> Section:
    classroom = data.pupil.classroom
    rows: list[list[Cell]] = []
    if classroom is not None:
        rows.append(
            [
                classroom.label,
                str(classroom.academic_year),
                classroom.school.name,
                name_of(classroom.class_teacher),
            ]
        )
    return Section(
        key="classes",
        title=_("Class"),
        columns=[_("Class"), _("Academic year"), _("School"), _("Class teacher")],
        rows=rows,
        paragraphs=[_("Wanjia keeps the pupil's current class; a roster import replaces the earlier one.")],
        empty_text=_("The pupil has no class."),
    )


def cases(data: SubjectFile) -> Section:
    return Section(
        key="cases",
        title=_("Support cases"),
        columns=[
            _("Case"),
            _("Categories"),
            _("State"),
            _("Risk"),
            _("Summary"),
            _("Paired teacher"),
            _("Opened on"),
            _("Closed on"),
            _("Outcome"),
        ],
        widths=[0.7, 1.1, 0.9, 0.6, 3, 1, 1, 1, 1],
        rows=[
            [
                case_number(case.pk),
                categories_text(case),
                str(case.get_state_display()),
                str(case.get_risk_level_display()),
                case.summary,
                name_of(case.owner),
                timezone.localdate(case.created_at),
                timezone.localdate(case.closed_at) if case.closed_at else None,
                str(case.get_closure_outcome_display()) if case.closure_outcome else "",
            ]
            for case in data.cases
        ],
        empty_text=_("No support case."),
    )


def case_history(data: SubjectFile) -> Section:
    """What happened to each case, from its audit trail (the case page's timeline: transitions
    with their comments, plans, visits, who was given access to the notes)."""
    rows: list[list[Cell]] = []
    for case in data.cases:
        for entry in case_timeline(case):
            states = f"{entry.from_label} → {entry.to_label}" if entry.from_state else ""
            detail = "\n".join(line for line in [states, *entry.lines, entry.comment] if line)
            rows.append([case_number(case.pk), when(entry.at), entry.actor, entry.title, detail])
    return Section(
        key="case_history",
        title=_("What happened to the cases"),
        columns=[_("Case"), _("When"), _("Who"), _("What"), _("Detail")],
        widths=[0.7, 1.2, 1, 1.6, 3],
        rows=rows,
        empty_text=_("No support case."),
    )


def plans(data: SubjectFile) -> Section:
    plans = SupportPlan.objects.filter(case_id__in=data.case_ids).select_related("author")
    return Section(
        key="plans",
        title=_("Support plans"),
        columns=[
            _("Case"),
            _("Version"),
            _("Written"),
            _("By"),
            _("Goals"),
            _("Measures"),
            _("Schedule"),
            _("Responsible staff"),
        ],
        widths=[0.7, 0.6, 1, 0.9, 2.4, 2.4, 1.5, 1.2],
        rows=[
            [
                case_number(plan.case_id),
                plan.version,
                when(plan.created_at),
                name_of(plan.author),
                plan.goals,
                plan.measures,
                plan.schedule,
                plan.responsible_staff,
            ]
            for plan in plans.order_by("case_id", "version")
        ],
        empty_text=_("No support plan."),
    )


RECORD_FIELDS = (
    "family_situation",
    "growth_environment",
    "home_behaviour",
    "study_habits",
    "living_habits",
    "school_life_feedback",
    "parents_opinions",
    "policies_explained",
    "measures_agreed",
    "reflection",
)


def _visit_record(visit: HomeVisit) -> str:
    lines = []
    for name in RECORD_FIELDS:
        value = getattr(visit, name)
        if value:
            label = getattr(HomeVisit._meta.get_field(name), "verbose_name", name)
            lines.append(f"{label}: {value}")
    if visit.visited_at is not None:
        lines.append(f"{_('No-gifts pledge (清廉家访)')}: {yes_no(visit.no_gifts_pledge)}")
    return "\n".join(lines)


def visits(data: SubjectFile) -> Section:
    return Section(
        key="visits",
        title=_("Home visits and their records"),
        columns=[
            _("Case"),
            _("Kind"),
            _("Appointment"),
            _("Agreed with"),
            _("Visited at"),
            _("Teachers"),
            _("Record"),
        ],
        widths=[0.6, 0.8, 1.1, 0.9, 1.1, 1, 4],
        rows=[
            [
                case_number(visit.case_id) if visit.case_id else "",
                str(visit.get_kind_display()),
                when(visit.scheduled_for),
                visit.appointment_with,
                when(visit.visited_at),
                "、".join(sorted(name_of(user) for user in visit.participants.all())),
                _visit_record(visit),
            ]
            for visit in data.visits
        ],
        empty_text=_("No home visit."),
    )


def gifts(data: SubjectFile) -> Section:
    reports = VisitGiftReport.objects.filter(visit_id__in=data.visit_ids).select_related("reported_by")
    return Section(
        key="visit_gifts",
        title=_("Gifts offered on home visits and refused (清廉家访)"),
        columns=[_("Offered on"), _("What was offered"), _("Outcome"), _("Note"), _("Reported by")],
        rows=[
            [
                report.offered_on,
                report.what,
                str(report.get_outcome_display()),
                report.note,
                name_of(report.reported_by),
            ]
            for report in reports.order_by("offered_on", "id")
        ],
        empty_text=_("No gift was reported."),
    )


def opinions(data: SubjectFile) -> Section:
    opinions = (
        ParentOpinion.objects.filter(
            Q(pupil=data.pupil) | Q(case_id__in=data.case_ids) | Q(visit_id__in=data.visit_ids)
        )
        .select_related("raised_by", "about_teacher")
        .order_by("raised_on", "id")
    )
    return Section(
        key="opinions",
        title=_("Parents' opinions"),
        columns=[
            _("Raised on"),
            _("Received by"),
            _("Guardian"),
            _("About"),
            _("The parents' opinion"),
            _("State"),
            _("Rectification plan"),
            _("Answer given to the parents"),
            _("Parents told on"),
        ],
        widths=[1, 0.9, 0.8, 0.9, 2.5, 0.8, 1.8, 1.8, 1],
        rows=[
            [
                opinion.raised_on,
                str(opinion.get_channel_display()),
                opinion.guardian_name,
                str(opinion.get_about_display())
                + (f" ({name_of(opinion.about_teacher)})" if opinion.about_teacher else ""),
                opinion.text,
                str(opinion.get_state_display()),
                opinion.plan,
                opinion.answer,
                opinion.answered_to_parents_on,
            ]
            for opinion in opinions.distinct()
        ],
        empty_text=_("No parents' opinion."),
    )


def support(data: SubjectFile) -> Section:
    """Ledger entries posted to the pupil's cases (disbursements and their reversals) and the
    requests for support made for them."""
    rows: list[list[Cell]] = []
    entries = LedgerEntry.objects.filter(case_id__in=data.case_ids).order_by("occurred_on", "id")
    for entry in entries:
        rows.append(
            [
                entry.occurred_on,
                _("ledger entry"),
                str(entry.get_kind_display()),
                case_number(entry.case_id) if entry.case_id else "",
                entry.amount,
                entry.goods,
                entry.quantity,
                entry.purpose or entry.reason,
            ]
        )
    requests = DisbursementRequest.objects.filter(case_id__in=data.case_ids).order_by("requested_at", "id")
    for request in requests:
        rows.append(
            [
                timezone.localdate(request.requested_at),
                _("request"),
                str(request.get_state_display()),
                case_number(request.case_id),
                request.amount,
                request.goods,
                request.quantity,
                request.purpose,
            ]
        )
    return Section(
        key="support",
        title=_("Support from the ledger"),
        columns=[
            _("Date"),
            _("Record"),
            _("Kind or state"),
            _("Case"),
            _("Amount (yuan)"),
            _("Goods"),
            _("Quantity"),
            _("Purpose"),
        ],
        rows=rows,
        empty_text=_("No support from the ledger."),
    )


def tutoring(data: SubjectFile) -> Section:
    sessions = TutoringSession.objects.filter(case_id__in=data.case_ids).select_related("tutor")
    return Section(
        key="tutoring",
        title=_("Tutoring sessions"),
        columns=[
            _("Date"),
            _("Case"),
            _("Subject"),
            _("Minutes"),
            _("What was taught"),
            _("Outcome"),
            _("Mastery (1–5)"),
            _("Score"),
            _("Tutor"),
        ],
        widths=[1, 0.6, 0.9, 0.7, 2.4, 2, 0.8, 0.7, 0.9],
        rows=[
            [
                session.held_on,
                case_number(session.case_id),
                str(session.get_subject_display()),
                session.duration_minutes,
                session.content,
                session.outcome,
                session.level,
                session.score,
                name_of(session.tutor),
            ]
            for session in sessions.order_by("held_on", "id")
        ],
        empty_text=_("No tutoring session."),
    )


def counselling(data: SubjectFile) -> Section:
    """That sessions took place, and how many confidential notes exist: never what was said."""
    sessions = CounsellingSession.objects.filter(case_id__in=data.case_ids).select_related("counsellor")
    notes = CounsellingNote.objects.filter(case_id__in=data.case_ids).aggregate(count=Count("id"))["count"]
    return Section(
        key="counselling",
        title=_("Counselling sessions"),
        columns=[
            _("Date"),
            _("Case"),
            _("Attendance"),
            _("Minutes"),
            _("Next session"),
            _("Counsellor"),
            _("Confidential note"),
        ],
        rows=[
            [
                session.held_on,
                case_number(session.case_id),
                str(session.get_attendance_display()),
                session.duration_minutes,
                session.next_session_on,
                name_of(session.counsellor),
                yes_no(session.note_id is not None),
            ]
            for session in sessions.order_by("held_on", "id")
        ],
        paragraphs=[
            _(
                "Confidential counselling notes on the pupil's cases: %(count)s. Their content is not "
                "part of this export: under the law a minor's counselling records are confidential, and "
                "their content is released only through the school's counsellor, who judges what may "
                "be disclosed and to whom. Ask the counsellor."
            )
            % {"count": notes}
        ],
        empty_text=_("No counselling session."),
    )


def archive(data: SubjectFile) -> Section:
    archive = SpecialGroupArchive.objects.filter(pupil=data.pupil).first()
    section = Section(
        key="archive",
        title=_("Special-group archive (独立档案)"),
        columns=[
            _("Year"),
            _("What was recorded this year"),
            _("Analysis"),
            _("Support given and its effect"),
        ],
        widths=[0.6, 3, 2, 2],
        empty_text=_("No yearly entry."),
    )
    if archive is None:
        section.paragraphs = [_("The pupil has no special-group archive.")]
        return section
    section.paragraphs = [
        f"{_('Groups')}: {'、'.join(archive.groups)}",
        f"{_('Family situation')}: {archive.family}",
        *(
            f"{label}: {value}"
            for label, value in [
                (_("Guardians and who looks after the pupil"), archive.guardianship),
                (_("Where the parents work"), archive.parents_work),
                (_("How to reach the family"), archive.contact),
            ]
            if value
        ),
    ]
    section.rows = [
        [entry.year, entry.record, entry.analysis, entry.support]
        for entry in archive.entries.order_by("year")
    ]
    return section


def six_ones(data: SubjectFile) -> Section:
    """The six ones (六个一) about the pupil: acts of help, and visit essays on the pupil's visits."""
    rows: list[list[Cell]] = []
    for act in ActOfHelp.objects.filter(pupil=data.pupil).select_related("teacher").order_by("done_on", "id"):
        rows.append([act.done_on, _("act of help"), name_of(act.teacher), act.what])
    essays = VisitEssay.objects.filter(visit_id__in=data.visit_ids).select_related("author")
    for essay in essays.order_by("written_on", "id"):
        rows.append(
            [essay.written_on, _("visit essay"), name_of(essay.author), f"《{essay.title}》\n{essay.body}"]
        )
    return Section(
        key="six_ones",
        title=_("Six-ones records about the pupil"),
        columns=[_("Date"), _("Record"), _("Teacher"), _("Detail")],
        widths=[1, 1, 1, 4],
        rows=rows,
        empty_text=_("No six-ones record about the pupil."),
    )


def inspections(data: SubjectFile) -> Section:
    visited = Inspection.objects.filter(families_visited=data.pupil).select_related("school")
    return Section(
        key="inspections",
        title=_("Inspections that visited the family"),
        columns=[_("Inspected on"), _("School"), _("State")],
        rows=[
            [inspection.inspected_on, inspection.school.name, str(inspection.get_state_display())]
            for inspection in visited.order_by("inspected_on", "id")
        ],
        paragraphs=[_("The inspectors' findings are about the school, not the pupil, and are not listed.")],
        empty_text=_("No inspection visited the family."),
    )


def consents(data: SubjectFile) -> Section:
    records = annotated_history(pupil=data.pupil)
    return Section(
        key="consents",
        title=_("Guardians' consents"),
        columns=[
            _("Purpose"),
            _("Decision"),
            _("Guardian"),
            _("Recorded"),
            _("Withdrawn"),
            _("Reason for the withdrawal"),
            _("Status"),
        ],
        rows=[
            [
                str(record.get_purpose_display()),
                _("consent given") if record.granted else _("consent refused"),
                record.guardian_name,
                f"{when(record.recorded_at)} {name_of(record.recorded_by)}",
                f"{when(record.withdrawn_at)} {name_of(record.withdrawn_by)}" if record.withdrawn_at else "",
                record.withdrawal_reason,
                record.status_label,
            ]
            for record in records
        ],
        empty_text=_("No consent is recorded."),
    )


def attachments(data: SubjectFile) -> Section:
    files = (
        Attachment.objects.filter(
            Q(case_id__in=data.case_ids) | Q(visit_id__in=data.visit_ids) | Q(consent__pupil=data.pupil)
        )
        .select_related("uploaded_by", "removed_by")
        .order_by("uploaded_at", "id")
    )

    def attached_to(item: Attachment) -> str:
        if item.consent_id:
            return _("consent form")
        if item.visit_id:
            return _("home visit")
        return case_number(item.case_id) if item.case_id else ""

    return Section(
        key="attachments",
        title=_("Photos and documents"),
        columns=[
            _("File name"),
            _("Type"),
            _("Size (bytes)"),
            _("Attached to"),
            _("Uploaded"),
            _("Removed"),
            _("SHA-256"),
        ],
        widths=[1.6, 1, 0.8, 0.9, 1.4, 1.2, 2],
        rows=[
            [
                item.original_name,
                str(item.get_content_type_display()),
                item.size,
                attached_to(item),
                f"{when(item.uploaded_at)} {name_of(item.uploaded_by)}",
                when(item.removed_at),
                item.sha256,
            ]
            for item in files
        ],
        paragraphs=[
            _(
                "The files themselves are not in this export; the school hands them over on request, "
                "one by one (each download is recorded). The files of removed attachments were erased."
            )
        ],
        empty_text=_("No photo or document."),
    )


ACCESS_LABELS = {
    "pupil.viewed": gettext_lazy("opened the pupil's page"),
    "case.viewed": gettext_lazy("opened a case"),
    "note.read": gettext_lazy("read the confidential notes"),
    "note.read_refused": gettext_lazy("was refused the confidential notes"),
    "audit.exported": gettext_lazy("exported a case's audit trail"),
    "attachment.downloaded": gettext_lazy("downloaded a photo or document"),
    "evidence.exported": gettext_lazy("exported the pupil's evidence file"),
    "pupil.subject_export": gettext_lazy("exported the pupil's data-subject file"),
}


def access_log(data: SubjectFile) -> Section:
    """Who read the pupil's records, as the access log of the audit browser shows it."""
    events: QuerySet[AuditEvent] = audit_pupil_access_log_for_user(user=data.viewer, pupil=data.pupil)
    return Section(
        key="access_log",
        title=_("Who looked at the pupil's records"),
        columns=[_("When"), _("Who"), _("What"), _("Case")],
        rows=[
            [
                when(event.occurred_at),
                event.actor_label,
                str(ACCESS_LABELS.get(event.action, event.action)),
                case_number(event.case_id) if event.case_id else "",
            ]
            for event in events.order_by("occurred_at", "id")
        ],
        empty_text=_("Nobody has looked at the pupil's records yet."),
    )


SUBJECT_SECTIONS: list[Callable[[SubjectFile], Section]] = [
    pupil_record,
    guardians,
    classes,
    cases,
    case_history,
    plans,
    visits,
    gifts,
    opinions,
    support,
    tutoring,
    counselling,
    archive,
    six_ones,
    inspections,
    consents,
    attachments,
    access_log,
]
