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
    # One sentence on the case page under the button: what pressing it does.
    help: str | Promise = ""


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in [
        TransitionSpec(
            "draft_plan",
            _("Draft a support plan"),
            help=_("Moves the case to planning, so that you write the support plan and submit it."),
        ),
        TransitionSpec(
            "submit_plan",
            _("Submit the plan for approval"),
            help=_("Sends the latest plan version to the principal, who approves it or returns it."),
        ),
        TransitionSpec(
            "approve_plan",
            _("Approve the plan"),
            four_eyes=True,
            help=_("Approves the latest plan version: the support starts and the home visit is next."),
        ),
        TransitionSpec(
            "return_plan",
            _("Return the plan"),
            comment_required=True,
            help=_("Sends the plan back to the paired teacher with your reason, to be revised."),
        ),
        TransitionSpec(
            "schedule_home_visit",
            _("Go on the home visit"),
            help=_("Starts the home visit of the appointment made; the visit record is written next."),
        ),
        TransitionSpec(
            "complete_home_visit",
            _("Complete the home visit"),
            help=_("Ends the home visit whose record is filed with the pledge; the case goes to review."),
        ),
        TransitionSpec(
            "continue_intervention",
            _("Continue the support"),
            help=_("The support goes on under the same plan; another home visit follows."),
        ),
        TransitionSpec(
            "revise_plan",
            _("Revise the plan"),
            help=_("Sends the case back to planning: a new plan version is written and approved."),
        ),
        TransitionSpec(
            "close",
            _("Close the case"),
            comment_required=True,
            outcome_required=True,
            help=_("Ends the support with a closing summary and how the case ended."),
        ),
        TransitionSpec(
            "reopen",
            _("Reopen the case"),
            comment_required=True,
            help=_("Brings the closed case back to planning, with your reason."),
        ),
    ]
}
