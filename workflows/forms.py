from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from schools.forms import StaffChoiceField
from workflows.models import WebhookFormat


class TeacherChoiceField(StaffChoiceField):
    """A teacher of the school, by real name and role (schools.forms.StaffChoiceField)."""


class ReassignForm(forms.Form):
    """Hand one case (``case`` given) or every case of ``from_user`` to ``new_owner``."""

    case = forms.IntegerField(required=False, widget=forms.HiddenInput)
    new_owner = TeacherChoiceField(queryset=User.objects.none(), label=_("New paired teacher"))
    reason = forms.CharField(label=_("Reason for the handover"), max_length=500)

    def __init__(self, *args: Any, teachers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["new_owner"]
        assert isinstance(field, TeacherChoiceField)
        field.queryset = teachers


class LeaveForm(forms.Form):
    """A member of staff leaves the school: who takes over their open work (workflows.staff)."""

    handover_to = TeacherChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Colleague who takes over"),
        help_text=_("An active teacher of the school: the open cases, tasks and visits go to them."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_('Recorded with each case handed over; "Left the school" if empty.'),
    )

    def __init__(self, *args: Any, teachers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["handover_to"]
        assert isinstance(field, TeacherChoiceField)
        field.queryset = teachers


class NotificationPreferenceForm(forms.Form):
    """How one wants to be told, besides the list in the app (always)."""

    email = forms.BooleanField(label=_("By e-mail"), required=False)
    digest = forms.BooleanField(
        label=_("One e-mail a day with my unread notifications, instead of one e-mail each"),
        required=False,
    )
    webhook_format = forms.ChoiceField(label=_("Group robot"), choices=WebhookFormat.choices, required=False)
    webhook_url = forms.CharField(
        label=_("Robot webhook address"),
        max_length=500,
        required=False,
        help_text=_("The https address of a WeCom or DingTalk group robot; empty for none."),
    )
