"""The six ones (六个一) of each teacher in a campaign year, read from the records themselves.

Nothing is ticked by hand: an item is done exactly when its record exists.

- plan: a support plan (``casework.SupportPlan``) the teacher wrote during the year;
- handbook: the teacher compiled their home-visit handbook for the year;
- essay: a visit essay of the year;
- meeting: the teacher is an organiser of a parents' meeting held in the year;
- pairing: the teacher is the paired teacher (owner) of a case that was open at some time in the
  year (opened before its end, not closed before its start);
- act: an act of help the teacher did in the year.

``teacher_flags`` answers for any number of teachers in ONE query (six EXISTS sub-queries), so
dashboards never loop over teachers with queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from casework.models import Case, SupportPlan
from schools.models import Campaign
from sixones.models import ActOfHelp, Handbook, ParentsMeeting, VisitEssay

ITEMS: tuple[tuple[str, str | Promise], ...] = (
    ("plan", _("support plan")),
    ("handbook", _("home-visit handbook")),
    ("essay", _("visit essay")),
    ("meeting", _("parents' meeting")),
    ("pairing", _("pairing")),
    ("act", _("act of help")),
)
KEYS = tuple(key for key, _label in ITEMS)


def campaign_bounds(campaign: Campaign) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of the campaign's days in the project's time zone (Asia/Shanghai)."""
    start = timezone.make_aware(datetime.datetime.combine(campaign.starts_on, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(campaign.ends_on + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


def open_in_campaign_q(campaign: Campaign, prefix: str = "") -> Q:
    """Cases of the campaign's bureau open at some time during the year."""
    start, end = campaign_bounds(campaign)
    return Q(**{f"{prefix}school__bureau_id": campaign.bureau_id, f"{prefix}created_at__lt": end}) & (
        Q(**{f"{prefix}closed_at__isnull": True}) | Q(**{f"{prefix}closed_at__gte": start})
    )


def _exists(campaign: Campaign) -> dict[str, Exists]:
    start, end = campaign_bounds(campaign)
    teacher = OuterRef("pk")
    return {
        "plan": Exists(
            SupportPlan.objects.filter(
                author=teacher,
                created_at__gte=start,
                created_at__lt=end,
                case__school__bureau_id=campaign.bureau_id,
            )
        ),
        "handbook": Exists(Handbook.objects.filter(teacher=teacher, campaign=campaign)),
        "essay": Exists(VisitEssay.objects.filter(author=teacher, campaign=campaign)),
        "meeting": Exists(
            ParentsMeeting.organisers.through.objects.filter(
                user_id=teacher, parentsmeeting__campaign=campaign
            )
        ),
        "pairing": Exists(Case.objects.filter(open_in_campaign_q(campaign), owner=teacher)),
        "act": Exists(ActOfHelp.objects.filter(teacher=teacher, campaign=campaign)),
    }


@dataclass(frozen=True)
class TeacherFlags:
    user: User
    flags: dict[str, bool]

    @property
    def done(self) -> int:
        return sum(self.flags.values())

    @property
    def complete(self) -> bool:
        return self.done == len(KEYS)

    @property
    def items(self) -> list[tuple[str, str, bool]]:
        return [(key, str(label), self.flags[key]) for key, label in ITEMS]


def teacher_flags(*, campaign: Campaign, user_ids: Iterable[int]) -> dict[int, TeacherFlags]:
    """Each teacher's six flags for the campaign: one query, whatever the number of teachers."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = User.objects.filter(pk__in=ids).annotate(**_exists(campaign)).order_by("full_name", "username")
    return {row.pk: TeacherFlags(row, {key: bool(getattr(row, key)) for key in KEYS}) for row in rows}
