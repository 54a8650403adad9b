"""Programme calendar pages (/schools/campaigns/): staff of the bureau read, its inspectors edit.

NotFound → 404, Forbidden → the 403 page, Invalid → errors on the form (400).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.services import AuditContext
from core.errors import Forbidden
from core.forms import form_service_status
from core.http import AuthenticatedHttpRequest
from schools.calendar import (
    CalendarScope,
    Segment,
    calendar_scope,
    campaign_create_default,
    campaign_list_for_user,
    campaign_phase_update,
    campaign_timeline,
    editable_bureaus,
    phase_get_for_edit,
    today_mark,
)
from schools.calendar_forms import CampaignCreateForm, PhaseDatesForm
from schools.models import Campaign


@dataclass(frozen=True)
class CampaignRow:
    campaign: Campaign
    timeline: list[Segment]
    today_mark: float | None


def _require_inspector(scope: CalendarScope) -> None:
    if not scope.editable:
        raise Forbidden(_("Only the bureau's inspectors may change the calendar."))


def _list_page(
    request: AuthenticatedHttpRequest,
    scope: CalendarScope,
    form: CampaignCreateForm | None,
    status: int = 200,
) -> HttpResponse:
    campaigns = list(campaign_list_for_user(user=request.user, scope=scope))
    if form is None and scope.editable:
        # Offer the first year from this one that the inspector's bureaus do not have yet.
        taken = {c.year for c in campaigns if c.bureau_id in scope.editable}
        year = timezone.localdate().year
        while year in taken:
            year += 1
        form = CampaignCreateForm(bureaus=editable_bureaus(scope=scope), initial={"year": year})
    today = timezone.localdate()
    context = {
        "campaigns": campaigns,
        "rows": [CampaignRow(c, campaign_timeline(c), today_mark(c, today)) for c in campaigns],
        "today": today,
        "can_edit": bool(scope.editable),
        "editable": scope.editable,
        "form": form,
    }
    return render(request, "schools/campaign_list.html", context, status=status)


@login_required
@require_safe
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _list_page(request, calendar_scope(user=request.user), None)


@login_required
@require_POST
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = calendar_scope(user=request.user)
    campaign_list_for_user(user=request.user, scope=scope)  # 403 for someone of no bureau
    _require_inspector(scope)
    form = CampaignCreateForm(request.POST, bureaus=editable_bureaus(scope=scope))
    results: list[tuple[Campaign, bool]] = []
    status = form_service_status(
        form,
        lambda data: results.append(
            campaign_create_default(
                bureau=data["bureau"],
                year=data["year"],
                actor=request.user,
                context=AuditContext.from_request(request),
            )
        ),
        invalid_status=400,
    )
    if status is not None:
        return _list_page(request, scope, form, status=status)
    campaign, created = results[0]
    if created:
        messages.success(
            request, _("%(name)s created with the programme's phases.") % {"name": campaign.name}
        )
    else:
        messages.info(request, _("%(name)s already exists; nothing was changed.") % {"name": campaign.name})
    return redirect(reverse("schools:campaign_list") + f"#campaign-{campaign.pk}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def phase_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    phase = phase_get_for_edit(user=request.user, phase_id=pk)
    status = 200
    if request.method == "POST":
        form = PhaseDatesForm(request.POST)
        failed = form_service_status(
            form,
            lambda data: campaign_phase_update(
                phase=phase,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                actor=request.user,
                context=AuditContext.from_request(request),
            ),
            invalid_status=400,
        )
        if failed is None:
            messages.success(request, _("The phase's dates were saved."))
            return redirect(reverse("schools:campaign_list") + f"#campaign-{phase.campaign_id}")
        status = failed
    else:
        form = PhaseDatesForm(initial={"starts_on": phase.starts_on, "ends_on": phase.ends_on})
    return render(request, "schools/campaign_phase_edit.html", {"phase": phase, "form": form}, status=status)
