"""The retention policy page (/privacy/retention/): the periods in force and the last runs."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.http import AuthenticatedHttpRequest
from privacy.policy import retention_policy
from privacy.selectors import policy_reader_required, retention_run_list


@login_required
@require_safe
def retention_policy_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy_reader_required(user=request.user)
    context = {
        "policy": retention_policy(),
        "runs": retention_run_list(),
        "draft_days": settings.WANJIA_DRAFT_DAYS,
    }
    return render(request, "privacy/retention_policy.html", context)
