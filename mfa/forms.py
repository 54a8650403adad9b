"""The code forms of two-factor sign-in."""

from __future__ import annotations

from django import forms
from django.utils.translation import pgettext_lazy


class CodeForm(forms.Form):
    """A code: from the authenticator app, or (on the sign-in page) a recovery code."""

    otp = forms.CharField(
        label=pgettext_lazy("one-time code", "Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: object, numeric: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if numeric:  # only the app's 6 digits: the phone shows its number pad
            self.fields["otp"].widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
