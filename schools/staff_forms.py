"""The "add a member of staff" form (the staff service checks the values again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import Membership


class StaffAddForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=64)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("The invitation is texted to this number."),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("If given, the invitation is also sent by e-mail."),
    )
    username = forms.CharField(
        label=_("Username (optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
        help_text=_("What the person logs in with; leave empty to use the phone number."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Membership.Role.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Membership.Role.TEACHER],
    )
