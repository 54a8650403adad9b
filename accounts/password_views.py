"""Changing one's password, and resetting a forgotten one by e-mail (Django's views, our templates)
or by a code sent by SMS. Every password set here is audited (accounts.passwords.user_password_set);
the person's other sessions end, the current one is kept where they are logged in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.forms import SmsResetCodeForm, SmsResetRequestForm
from accounts.invitations import site_url
from accounts.models import User
from accounts.passwords import (
    Method,
    reset_code_check,
    reset_code_send,
    reset_code_use,
    reset_code_user,
    user_password_set,
)
from core.sms import sms_enabled

SMS_SESSION_KEY = "accounts.sms_reset"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.user
        assert isinstance(user, User)
        user_password_set(
            user=user, password=form.cleaned_data["new_password1"], method=Method.CHANGE, request=self.request
        )
        # The other sessions fail their hash check at their next request; this one is kept.
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whatever address is typed: no one learns who has an account."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        self.extra_email_context = {"site_url": site_url(self.request)}
        return super().form_valid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "sms_enabled": sms_enabled()}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        user = form.user
        assert isinstance(user, User)
        user_password_set(
            user=user,
            password=form.cleaned_data["new_password1"],
            method=Method.EMAIL_RESET,
            request=self.request,
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_sms(request: HttpRequest) -> HttpResponse:
    """Username or phone → a code texted to the account's phone, if there is one (same answer)."""
    if not sms_enabled():
        return render(request, "accounts/password_reset_sms_off.html", status=404)
    form = SmsResetRequestForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            reset_code = reset_code_send(identifier=form.cleaned_data["identifier"], request=request)
            request.session[SMS_SESSION_KEY] = reset_code.pk if reset_code is not None else None
            return redirect("accounts:password_reset_sms_code")
        return render(request, "accounts/password_reset_sms.html", {"form": form}, status=400)
    return render(request, "accounts/password_reset_sms.html", {"form": form})


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def password_reset_sms_code(request: HttpRequest) -> HttpResponse:
    """The texted code and the new password on one page."""
    if SMS_SESSION_KEY not in request.session:
        return redirect("accounts:password_reset_sms")
    reset_code_id = request.session[SMS_SESSION_KEY]
    form = SmsResetCodeForm(reset_code_user(reset_code_id=reset_code_id), request.POST or None)
    if request.method == "POST":
        form.is_valid()
        code = str(form.cleaned_data.get("code", ""))
        if "code" not in form.errors and not reset_code_check(reset_code_id=reset_code_id, code=code):
            form.add_error(
                "code",
                _(
                    "The code is wrong or no longer valid. Codes expire after a few minutes; ask for a new one."
                ),
            )
        if form.is_valid():
            user = reset_code_use(
                reset_code_id=reset_code_id,
                code=code,
                password=form.cleaned_data["new_password1"],
                request=request,
            )
            if user is not None:
                del request.session[SMS_SESSION_KEY]
                return redirect("accounts:password_reset_complete")
            form.add_error("code", _("The code is no longer valid; ask for a new one."))
        return render(request, "accounts/password_reset_sms_code.html", {"form": form}, status=400)
    return render(request, "accounts/password_reset_sms_code.html", {"form": form})
