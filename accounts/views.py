"""Signing in, and the page where a person sees and revokes their own API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import api_token_list_for_user
from accounts.services import api_token_revoke
from core.http import AuthenticatedHttpRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
@require_GET
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    tokens = api_token_list_for_user(user=request.user)
    return render(
        request, "accounts/token_list.html", {"tokens": tokens, "token_days": settings.WANJIA_TOKEN_DAYS}
    )


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    # Another person's token, or one no longer live: NotFound, a 404 (core.middleware).
    token = api_token_revoke(user=request.user, token_id=token_id, request=request)
    messages.success(request, _("The token %(prefix)s… is revoked.") % {"prefix": token.prefix})
    return redirect("accounts:token_list")
