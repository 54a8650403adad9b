"""Forms of joining and password reset (the password fields are Django's SetPasswordForm's)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts.invitations import CODE_LENGTH
from accounts.models import User
from accounts.passwords import RESET_CODE_DIGITS


class JoinCodeForm(forms.Form):
    """The invitation code read out by phone, with the person's username or phone number."""

    identifier = forms.CharField(
        label=_("Username or phone number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=CODE_LENGTH + 4,
        help_text=_("Eight letters and digits, e.g. ABCD-EF23."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )


class SmsResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("Username or phone number"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class SmsResetCodeForm(SetPasswordForm):
    """The code texted to the person, and their new password (checked for that person)."""

    field_order = ["code", "new_password1", "new_password2"]

    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=RESET_CODE_DIGITS + 4,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def __init__(self, user: User | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
