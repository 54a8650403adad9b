"""Reads of parents' opinions that depend on who asks."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from opinions import access
from opinions.errors import NotFound
from opinions.models import ParentOpinion


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
        raise NotFound(_("No such opinion."))
    return opinion


def open_count_for_leader(*, user: Any) -> int:
    """Open opinions of the schools the user leads (the home page's count)."""
    led = access.led_schools(user)
    if not led:
        return 0
    return ParentOpinion.objects.filter(school_id__in=led).open().count()
