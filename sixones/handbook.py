"""The home-visit handbook (家访手册): a teacher's visit records of a campaign year as a PDF.

``HANDBOOK_VISIT_FIELDS`` is the one list of the visit's fields that are printed, in order: a
field added to the visit's record only needs adding here.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from casework.models import HomeVisit, VisitParticipant
from documents.pdf import Fields, Grid, Section, Text, build_pdf
from schools.models import Campaign, Membership, School
from sixones.checklist import campaign_bounds
from sixones.models import VisitEssay

HANDBOOK_VISIT_FIELDS: tuple[str, ...] = (
    "family_situation",
    "growth_environment",
    "home_behaviour",
    "study_habits",
    "living_habits",
    "school_life_feedback",
    "policies_explained",
    "parents_opinions",
    "measures_agreed",
    "reflection",
)


def printed_visit_fields() -> list[tuple[str, str]]:
    """(field name, label) of the visit fields the handbook prints."""
    return [
        (name, str(HomeVisit._meta.get_field(name).verbose_name))  # type: ignore[union-attr]
        for name in HANDBOOK_VISIT_FIELDS
    ]


def handbook_visits(*, teacher: User, campaign: Campaign) -> QuerySet[HomeVisit]:
    """The recorded visits of the campaign year that the teacher took part in or wrote up, with or
    without a case, in the order they happened; only at the schools where the teacher still works
    (docs/people.md)."""
    start, end = campaign_bounds(campaign)
    # The teacher's visits as a list of ids: an IN (sub-query) inside the OR would make
    # PostgreSQL scan every visit of the city.
    taken_part = list(VisitParticipant.objects.filter(user=teacher).values_list("visit_id", flat=True))
    schools = list(
        Membership.objects.filter(user=teacher, is_active=True).values_list("school_id", flat=True)
    )
    return (
        HomeVisit.objects.filter(
            Q(recorded_by=teacher) | Q(id__in=taken_part),
            visited_at__gte=start,
            visited_at__lt=end,
            school__bureau_id=campaign.bureau_id,
            school_id__in=schools,
        )
        .select_related("pupil__classroom", "school")
        .order_by("visited_at", "id")
    )


def _when(value: object) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""  # type: ignore[arg-type]


def handbook_pdf(*, teacher: User, school: School, campaign: Campaign, visits: list[HomeVisit]) -> bytes:
    """The handbook's PDF: a list of the visits, one section per visit, then the year's essays."""
    name = teacher.get_full_name() or teacher.username
    fields = printed_visit_fields()
    overview = Grid(
        [_("Date"), _("Pupil"), _("Class"), _("Kind of visit")],
        [
            [
                _when(v.visited_at),
                v.pupil.name,
                v.pupil.classroom.label if v.pupil.classroom else "",
                v.get_kind_display(),
            ]
            for v in visits
        ],
        widths=[1.3, 1, 1.2, 1],
    )
    sections = [
        Section(
            _("Home visits"),
            [
                Fields(
                    [
                        (_("Teacher"), name),
                        (_("School"), school.name),
                        (_("Campaign year"), campaign.name),
                        (_("Home visits"), str(len(visits))),
                    ]
                ),
                overview,
            ],
        )
    ]
    for number, visit in enumerate(visits, start=1):
        pupil = visit.pupil
        blocks: list[Text | Fields | Grid] = [
            Fields(
                [
                    (_("Visited at"), _when(visit.visited_at)),
                    (_("Pupil"), pupil.name),
                    (_("Class"), pupil.classroom.label if pupil.classroom else ""),
                    (_("Kind of visit"), visit.get_kind_display()),
                    (_("Agreed with"), visit.appointment_note),
                    (
                        str(HomeVisit._meta.get_field("no_gifts_pledge").verbose_name),
                        _("Yes") if visit.no_gifts_pledge else _("No"),
                    ),
                ]
            )
        ]
        for field_name, label in fields:
            value = str(getattr(visit, field_name) or "").strip()
            if value:
                blocks.append(Text(label, muted=True))
                blocks.append(Text(value))
        sections.append(
            Section(
                _("Visit %(number)d: %(pupil)s") % {"number": number, "pupil": pupil.name},
                blocks,
                level=2,
                new_page=number == 1,
            )
        )
    essays = list(VisitEssay.objects.filter(author=teacher, campaign=campaign).order_by("written_on", "id"))
    if essays:
        sections.append(Section(_("Visit essays"), [], new_page=True))
        for essay in essays:
            sections.append(
                Section(
                    essay.title, [Text(essay.written_on.isoformat(), muted=True), Text(essay.body)], level=2
                )
            )
    return build_pdf(
        title=_("Home-visit handbook"),
        subtitle=f"{campaign.name} · {school.name} · {name}",
        author=name,
        subject=campaign.name,
        sections=sections,
    )
