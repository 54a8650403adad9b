"""What each case transition needs beyond django-fsm-2's own permission and conditions."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: str | Promise
    comment_required: bool = False
    four_eyes: bool = False
    outcome_required: bool = False  # a ClosureOutcome (400 without one)


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in [
        TransitionSpec("draft_plan", _("Draft a support plan")),
        TransitionSpec("submit_plan", _("Submit the plan for approval")),
        TransitionSpec("approve_plan", _("Approve the plan"), four_eyes=True),
        TransitionSpec("return_plan", _("Return the plan"), comment_required=True),
        TransitionSpec("schedule_home_visit", _("Go on the home visit")),
        TransitionSpec("complete_home_visit", _("Complete the home visit")),
        TransitionSpec("continue_intervention", _("Continue the support")),
        TransitionSpec("revise_plan", _("Revise the plan")),
        TransitionSpec("close", _("Close the case"), comment_required=True, outcome_required=True),
        TransitionSpec("reopen", _("Reopen the case"), comment_required=True),
    ]
}
