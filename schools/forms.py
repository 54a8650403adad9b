"""Forms of the schools app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from schools.models import School
from schools.roster.parsing import PUPILS, STAFF

ROSTER_EXTENSIONS = (".csv", ".xlsx")


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
