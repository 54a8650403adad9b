"""The programme calendar (活动年度): each bureau's campaign years, their phases and due dates.

Services (writes, audited): ``campaign_create_default``, ``campaign_phase_update``.
Date selectors the workflow calls: ``campaign_for``, ``phase_on``, ``phase_end``,
``due_on_from_phase_or_rule``. Who may see what: ``calendar_scope`` and the ``*_for_user``
selectors (any active staff of the bureau reads; the bureau's inspectors edit). See docs/calendar.md.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from core.errors import Forbidden, Invalid, NotFound
from schools.models import Bureau, BureauMembership, Campaign, CampaignPhase, Membership

if TYPE_CHECKING:
    from accounts.models import User

Kind = CampaignPhase.Kind

# The years a campaign may be created for: wide enough for any real use, narrow enough to catch typos.
FIRST_YEAR = 2000
LAST_YEAR = 2100


# --- the default calendar of the programme document --------------------------------------------


def default_phase_dates(year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    """The programme's phases for ``year``: (kind, starts_on, ends_on), in order.

    January–February: home visits in the winter holiday; March–June: support plans drawn up and
    carried out; July–August: follow-up visits (回访); September–December: continued support,
    teachers' reflection and summaries.
    """
    february_last = _stdlib_calendar.monthrange(year, 2)[1]
    return [
        (Kind.WINTER_VISITS, datetime.date(year, 1, 1), datetime.date(year, 2, february_last)),
        (Kind.PLANS, datetime.date(year, 3, 1), datetime.date(year, 6, 30)),
        (Kind.FOLLOW_UP, datetime.date(year, 7, 1), datetime.date(year, 8, 31)),
        (Kind.CONTINUED_SUPPORT, datetime.date(year, 9, 1), datetime.date(year, 12, 31)),
    ]


def default_campaign_name(year: int) -> str:
    # The programme's own name, stored as data (like a school's name), not an interface string.
    return f"{year}年万师进万家活动"


# --- services ----------------------------------------------------------------------------------


def _invalid(exc: ValidationError) -> Invalid:
    # Errors of the whole phase are "non_field_errors", as in the rest of the API.
    errors = {
        ("non_field_errors" if name == NON_FIELD_ERRORS else name): [str(m) for m in messages]
        for name, messages in exc.message_dict.items()
    }
    first = next(iter(errors.values()))[0] if errors else _("Invalid input.")
    return Invalid(first, errors=errors)


def _dates(phase: CampaignPhase) -> dict[str, str]:
    return {"starts_on": phase.starts_on.isoformat(), "ends_on": phase.ends_on.isoformat()}


def campaign_create_default(
    *, bureau: Bureau, year: int, actor: User | None, context: AuditContext | None = None
) -> tuple[Campaign, bool]:
    """The bureau's campaign for ``year`` with the programme's default phases; (campaign, created).

    Idempotent: an existing campaign is returned unchanged (its edited dates are kept) and
    nothing is recorded.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(
            _("Choose a year between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            errors={
                "year": [
                    _("Choose a year between %(first)d and %(last)d.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR}
                ]
            },
        )
    with transaction.atomic():
        # The bureau's row serialises two inspectors creating the same year at once.
        Bureau.objects.select_for_update().filter(pk=bureau.pk).first()
        existing = Campaign.objects.filter(bureau=bureau, year=year).first()
        if existing is not None:
            return existing, False
        phases = default_phase_dates(year)
        campaign = Campaign(
            bureau=bureau,
            year=year,
            name=default_campaign_name(year),
            starts_on=phases[0][1],
            ends_on=phases[-1][2],
        )
        campaign.full_clean()
        campaign.save()
        for order, (kind, starts_on, ends_on) in enumerate(phases, start=1):
            phase = CampaignPhase(
                campaign=campaign, kind=kind, starts_on=starts_on, ends_on=ends_on, order=order
            )
            phase.full_clean()
            phase.save()
        audit_record(
            action="calendar.campaign_created",
            actor=actor,
            target=campaign,
            school_id=None,
            detail={
                "bureau": bureau.pk,
                "year": year,
                "new": {
                    "starts_on": campaign.starts_on.isoformat(),
                    "ends_on": campaign.ends_on.isoformat(),
                    "phases": {
                        kind: {"starts_on": s.isoformat(), "ends_on": e.isoformat()} for kind, s, e in phases
                    },
                },
            },
            context=context,
        )
    return campaign, True


def campaign_phase_update(
    *,
    phase: CampaignPhase,
    starts_on: datetime.date,
    ends_on: datetime.date,
    actor: User | None,
    context: AuditContext | None = None,
) -> CampaignPhase:
    """Move a phase's dates: inside its campaign, not overlapping another phase, start <= end."""
    with transaction.atomic():
        # Lock the campaign so that two edits of neighbouring phases cannot both pass the overlap check.
        campaign = Campaign.objects.select_for_update().get(pk=phase.campaign_id)
        locked = CampaignPhase.objects.select_for_update().get(pk=phase.pk)
        locked.campaign = campaign
        old = _dates(locked)
        locked.starts_on = starts_on
        locked.ends_on = ends_on
        try:
            locked.full_clean()
        except ValidationError as exc:
            raise _invalid(exc) from exc
        new = _dates(locked)
        if new == old:
            return locked
        locked.save(update_fields=["starts_on", "ends_on"])
        audit_record(
            action="calendar.phase_updated",
            actor=actor,
            target=locked,
            school_id=None,
            detail={"campaign": campaign.pk, "kind": locked.kind, "old": old, "new": new},
            context=context,
        )
    return locked


# --- date selectors (no user; for due dates and the dashboard) ---------------------------------


def campaign_for(*, bureau_id: int, on: datetime.date) -> Campaign | None:
    """The bureau's campaign whose dates contain ``on``, if any."""
    return (
        Campaign.objects.filter(bureau_id=bureau_id, starts_on__lte=on, ends_on__gte=on)
        .order_by("starts_on")
        .first()
    )


def phase_on(*, bureau_id: int, on: datetime.date) -> CampaignPhase | None:
    """The bureau's phase running on ``on`` (phases never overlap), if any."""
    return (
        CampaignPhase.objects.filter(campaign__bureau_id=bureau_id, starts_on__lte=on, ends_on__gte=on)
        .select_related("campaign")
        .order_by("starts_on")
        .first()
    )


def phase_end(*, bureau_id: int, kind: str, on: datetime.date) -> datetime.date | None:
    """The last day of the ``kind`` phase of the bureau's campaign containing ``on``, if any."""
    return (
        CampaignPhase.objects.filter(
            campaign__bureau_id=bureau_id,
            campaign__starts_on__lte=on,
            campaign__ends_on__gte=on,
            kind=kind,
        )
        .order_by("campaign__starts_on")
        .values_list("ends_on", flat=True)
        .first()
    )


def due_on_from_phase_or_rule(
    *, bureau_id: int, phase_kind: str | None, created: datetime.date, rule_days: int
) -> datetime.date:
    """A task's due date: the end of its phase if it belongs to one that is running on ``created``,
    else ``created + rule_days`` (see docs/calendar.md for the exact rule)."""
    if phase_kind is not None and phase_kind not in Kind.values:
        raise ValueError(f"Unknown phase kind: {phase_kind!r}")
    if rule_days < 0:
        raise ValueError("rule_days must not be negative")
    if phase_kind is not None:
        end = (
            CampaignPhase.objects.filter(
                campaign__bureau_id=bureau_id, kind=phase_kind, starts_on__lte=created, ends_on__gte=created
            )
            .values_list("ends_on", flat=True)
            .first()
        )
        if end is not None:
            return end
    return created + datetime.timedelta(days=rule_days)


def current_phases(*, bureau_ids: set[int], on: datetime.date) -> list[CampaignPhase]:
    """The phase running on ``on`` in each of these bureaus (one query)."""
    if not bureau_ids:
        return []
    return list(
        CampaignPhase.objects.filter(campaign__bureau_id__in=bureau_ids, starts_on__lte=on, ends_on__gte=on)
        .select_related("campaign__bureau")
        .order_by("campaign__bureau__code", "starts_on")
    )


# --- the year at a glance (an inline SVG bar on the calendar page) -----------------------------


@dataclass(frozen=True)
class Segment:
    """A phase as a share of its campaign: ``x`` and ``width`` in percent of the year's width."""

    phase: CampaignPhase
    x: float
    width: float

    @property
    def colour(self) -> str:
        return PHASE_COLOURS.get(self.phase.kind, "#667085")


PHASE_COLOURS: dict[str, str] = {
    Kind.WINTER_VISITS: "#1570ef",
    Kind.PLANS: "#12b76a",
    Kind.FOLLOW_UP: "#f79009",
    Kind.CONTINUED_SUPPORT: "#7a5af8",
}


def campaign_timeline(campaign: Campaign) -> list[Segment]:
    """The campaign's phases placed on a 0–100 scale (no queries when the phases are prefetched)."""
    days = (campaign.ends_on - campaign.starts_on).days + 1
    segments = []
    for phase in campaign.phases.all():
        start = (phase.starts_on - campaign.starts_on).days
        length = (phase.ends_on - phase.starts_on).days + 1
        segments.append(Segment(phase, round(100 * start / days, 2), round(100 * length / days, 2)))
    return segments


def today_mark(campaign: Campaign, today: datetime.date) -> float | None:
    """Where today falls on the campaign's 0–100 scale, or None outside it."""
    if not campaign.starts_on <= today <= campaign.ends_on:
        return None
    days = (campaign.ends_on - campaign.starts_on).days + 1
    return round(100 * ((today - campaign.starts_on).days + 0.5) / days, 2)


# --- who may see and edit the calendar ----------------------------------------------------------


@dataclass(frozen=True)
class CalendarScope:
    """The bureaus whose calendar a user reads (any active staff) and edits (the inspectors)."""

    readable: frozenset[int] = frozenset()
    editable: frozenset[int] = frozenset()


def calendar_scope(*, user: User) -> CalendarScope:
    """Two queries. Superusers get nothing extra."""
    if not user.is_authenticated or not user.is_active:
        return CalendarScope()
    inspected: set[int] = set()
    staff: set[int] = set()
    for bureau_id, role in BureauMembership.objects.filter(user=user, is_active=True).values_list(
        "bureau_id", "role"
    ):
        staff.add(bureau_id)
        if role == BureauMembership.Role.INSPECTOR:
            inspected.add(bureau_id)
    staff.update(
        Membership.objects.filter(user=user, is_active=True).values_list("school__bureau_id", flat=True)
    )
    return CalendarScope(readable=frozenset(staff), editable=frozenset(inspected))


def _with_phases(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return campaigns.select_related("bureau").prefetch_related(
        Prefetch("phases", queryset=CampaignPhase.objects.order_by("starts_on", "order"))
    )


def campaign_list_for_user(*, user: User, scope: CalendarScope | None = None) -> QuerySet[Campaign]:
    """Campaigns of the bureaus the user belongs to, newest first, phases prefetched.

    Raises 403 for a user who belongs to no bureau's staff.
    """
    scope = scope or calendar_scope(user=user)
    if not scope.readable:
        raise Forbidden(_("Only the staff of an education bureau and of its schools see its calendar."))
    return _with_phases(Campaign.objects.filter(bureau_id__in=scope.readable)).order_by(
        "bureau__code", "-year"
    )


def campaign_get_for_user(*, user: User, campaign_id: int, scope: CalendarScope | None = None) -> Campaign:
    """One campaign of the user's bureaus, with phases; 404 otherwise."""
    scope = scope or calendar_scope(user=user)
    campaign = (
        _with_phases(Campaign.objects.filter(bureau_id__in=scope.readable)).filter(pk=campaign_id).first()
    )
    if campaign is None:
        raise NotFound(_("No such campaign year."))
    return campaign


def phase_get_for_edit(*, user: User, phase_id: int, scope: CalendarScope | None = None) -> CampaignPhase:
    """A phase the user may edit: 404 if they do not see it, 403 if they see it but are no inspector."""
    scope = scope or calendar_scope(user=user)
    phase = (
        CampaignPhase.objects.filter(pk=phase_id, campaign__bureau_id__in=scope.readable)
        .select_related("campaign__bureau")
        .first()
    )
    if phase is None:
        raise NotFound(_("No such campaign phase."))
    if phase.campaign.bureau_id not in scope.editable:
        raise Forbidden(_("Only the bureau's inspectors may change the calendar."))
    return phase


def editable_bureaus(*, scope: CalendarScope) -> QuerySet[Bureau]:
    return Bureau.objects.filter(pk__in=scope.editable).order_by("code")
