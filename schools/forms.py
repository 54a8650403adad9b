"""Forms of the schools app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Prefetch, QuerySet
from django.forms.models import ModelChoiceIterator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from core.forms import CHOOSE
from schools.models import BureauMembership, Membership, School
from schools.roster.parsing import PUPILS, STAFF

ROSTER_EXTENSIONS = (".csv", ".xlsx")


def staff_label(user: User) -> str:
    """A member of staff as pick-lists show them: real name and role, "王淑芬（校长）", never the
    login name (unless there is no name). Reads the roles prefetched by ``_with_roles``."""
    name = user.get_full_name()
    memberships = getattr(user, "active_school_roles", None)
    bureau = getattr(user, "active_bureau_roles", None)
    if memberships is None:
        memberships = list(user.memberships.filter(is_active=True))
    if bureau is None:
        bureau = list(user.bureau_memberships.filter(is_active=True))
    labels: list[str] = []
    for membership in [*memberships, *bureau]:
        label = str(membership.get_role_display())
        if label not in labels:
            labels.append(label)
    if not labels:
        return name
    return str(_("{name} ({roles})")).format(
        name=name, roles=str(pgettext_lazy("list separator", ", ")).join(labels)
    )


def _with_roles(queryset: QuerySet[Any] | None) -> QuerySet[Any] | None:
    """The users with their active roles at schools and bureaus, two queries for the whole list."""
    if queryset is None or queryset.query.combinator:
        return queryset
    return queryset.prefetch_related(
        Prefetch("memberships", Membership.objects.filter(is_active=True), to_attr="active_school_roles"),
        Prefetch(
            "bureau_memberships",
            BureauMembership.objects.filter(is_active=True),
            to_attr="active_bureau_roles",
        ),
    )


class _StaffIterator(ModelChoiceIterator):
    """Lists the users with their roles read beforehand (two queries for the whole list)."""

    def __init__(self, field: forms.ModelChoiceField) -> None:
        super().__init__(field)
        self.queryset = _with_roles(self.queryset) or self.queryset


class StaffChoiceField(forms.ModelChoiceField):
    """One member of staff, by real name and role; a required list starts at "Choose…"."""

    iterator = _StaffIterator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", CHOOSE)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return staff_label(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several members of staff, by real name and role."""

    iterator = _StaffIterator

    def label_from_instance(self, obj: User) -> str:
        return staff_label(obj)


class RosterUploadForm(forms.Form):
    """A roster file for one of the schools the user administers."""

    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("School"), empty_label=None)
    kind = forms.ChoiceField(
        label=_("The file lists"),
        choices=[
            ("auto", _("Detect from the headings")),
            (PUPILS, _("Pupils and their guardians")),
            (STAFF, _("Staff")),
        ],
        initial="auto",
    )
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ROSTER_EXTENSIONS)}),
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = schools
        only = list(schools[:2])
        if len(only) == 1:
            field.initial = only[0].pk
            field.widget = forms.HiddenInput()
        self.single_school = only[0] if len(only) == 1 else None

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ROSTER_EXTENSIONS):
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size is not None and upload.size > settings.WANJIA_ROSTER_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s.")
                % {"size": filesizeformat(settings.WANJIA_ROSTER_MAX_BYTES)}
            )
        return upload
