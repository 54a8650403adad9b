"""Joining: the public pages where an invited person opens their link (or types their code) and
chooses a password, and is then logged in.

The link's token only passes through ``join``: it is checked, the invitation's id is kept in the
session and the browser is sent on to ``join/set-password/``, so the token leaves the address bar
(as Django's password reset does). Nothing is used up until the password is set.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from accounts.forms import JoinCodeForm
from accounts.invitations import (
    Status,
    invitation_accept,
    invitation_check_code,
    invitation_find,
    invitation_get_pending,
    invitation_status,
)
from core.errors import Conflict

SESSION_KEY = "accounts.joining"


def _invalid(request: HttpRequest, status: Status | None) -> HttpResponse:
    """A clear page for a link that cannot be used: unknown (404) or no longer valid (410)."""
    return render(
        request,
        "accounts/join_invalid.html",
        {"status": str(status) if status is not None else "unknown"},
        status=404 if status is None else 410,
    )


@never_cache
@require_safe
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_find(token=token)
    if invitation is None:
        return _invalid(request, None)
    status = invitation_status(invitation)
    if status != Status.PENDING:
        return _invalid(request, status)
    request.session[SESSION_KEY] = {"invitation": invitation.pk, "via": "link"}
    return redirect("accounts:join_set_password")


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def join_code(request: HttpRequest) -> HttpResponse:
    form = JoinCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            invitation = invitation_check_code(
                identifier=form.cleaned_data["identifier"], code=form.cleaned_data["code"]
            )
            if invitation is not None:
                request.session[SESSION_KEY] = {"invitation": invitation.pk, "via": "code"}
                return redirect("accounts:join_set_password")
            # One answer for an unknown person, a wrong code and a used-up invitation.
            form.add_error(
                None,
                _(
                    "This username or phone number and code do not match a valid invitation. Check "
                    "the code; after several wrong codes, or once it has expired, ask your school "
                    "administrator for a new invitation."
                ),
            )
    return render(request, "accounts/join_code.html", {"form": form}, status=status)


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def join_set_password(request: HttpRequest) -> HttpResponse:
    joining = request.session.get(SESSION_KEY) or {}
    invitation = invitation_get_pending(invitation_id=joining.get("invitation"))
    if invitation is None:
        return _invalid(request, Status.EXPIRED if joining else None)
    user = invitation.user
    form = SetPasswordForm(user, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = invitation_accept(
                    invitation_id=invitation.pk,
                    password=form.cleaned_data["new_password1"],
                    via=str(joining.get("via", "link")),
                    request=request,
                )
            except Conflict:
                return _invalid(request, Status.REVOKED)
            request.session.pop(SESSION_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Wanjia. Your password is set; you are logged in."))
            return redirect(resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/join_set_password.html", {"form": form, "person": user}, status=status)
