"""Reads of parents' opinions that depend on who asks."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound, Refusal
from opinions import access
from opinions.models import ANSWER_WITHIN_DAYS, ParentOpinion


def opinion_list_for_user(*, user: Any) -> QuerySet[ParentOpinion]:
    return ParentOpinion.objects.filter(access.visible_q(user))


def opinion_list_page_queryset(opinions: QuerySet[ParentOpinion]) -> QuerySet[ParentOpinion]:
    return opinions.select_related("school", "pupil", "about_teacher", "raised_by")


def opinion_get_for_user(*, user: Any, opinion_id: int) -> ParentOpinion:
    """The opinion, or 404 if it does not exist for this user."""
    opinion = (
        opinion_list_page_queryset(opinion_list_for_user(user=user))
        .select_related("case", "visit", "handled_by")
        .filter(pk=opinion_id)
        .first()
    )
    if opinion is None:
        raise NotFound(_("No such opinion."), refusal=opinion_refusal(opinion_id))
    return opinion


def opinion_refusal(opinion_id: int) -> Refusal | None:
    """The refusal of an existing opinion (at its school, its case and pupil), else None."""
    opinion = ParentOpinion.objects.only("school", "case", "pupil").filter(pk=opinion_id).first()
    if opinion is None:
        return None
    return Refusal(
        target=opinion, school_id=opinion.school_id, case_id=opinion.case_id, pupil_id=opinion.pupil_id
    )


def leader_counts(*, user: Any) -> dict[str, int]:
    """Open and overdue opinions of the schools the user leads, in one query (the home page's card)."""
    limit = timezone.localdate() - datetime.timedelta(days=ANSWER_WITHIN_DAYS)
    leads = ParentOpinion.objects.filter(
        school__memberships__user=user,
        school__memberships__is_active=True,
        school__memberships__role__in=access.LEADER_ROLES,
    )
    return leads.open().aggregate(
        open=Count("pk", distinct=True),
        overdue=Count("pk", filter=Q(raised_on__lt=limit), distinct=True),
    )
