"""The upload form. It checks the shape of the input; the service checks the file itself."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from attachments.services import CAPTION_MAX, too_large_message

# Phones offer the camera for image/*; the documents are listed by extension as well.
ACCEPT = "image/*,application/pdf,.docx,.xlsx"


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or document"),
        required=False,  # checked in clean(): "too large" must win over "missing"
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("JPEG, PNG, WebP, PDF, Word (.docx) or Excel (.xlsx)."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=CAPTION_MAX, required=False)

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.too_large:
            self.add_error("file", too_large_message())
        elif not data.get("file"):
            self.add_error("file", _("Choose a photo or a document."))
        return data
