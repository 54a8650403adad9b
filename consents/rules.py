"""The checks other apps make before they act: is the guardians' consent to this purpose in force?

``consent_require`` raises ``ConsentMissing`` (400, code ``consent_missing``) when the pupil's
current record for the purpose is missing, refused or withdrawn (docs/consent.md). Callers:

- attachments: a photo (an image) attached to a home visit needs ``HOME_VISIT_PHOTOS``;
- care: a counselling session needs ``COUNSELLING`` when ``WANJIA_COUNSELLING_CONSENT_REQUIRED``;
- the transfer of a pupil to another school (not built yet) must call it with
  ``TRANSFER_SHARING`` before anything is shared with the new school.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from consents.models import Purpose
from consents.selectors import consent_current, in_force
from core.errors import ErrorCode, Invalid
from schools.models import Pupil

MESSAGES = {
    Purpose.HOME_VISIT_PHOTOS: _(
        "%(name)s's guardians have not given their consent to home-visit photos (none is recorded, "
        "or it was refused or withdrawn), so no photo of the visit can be attached. The class "
        "teacher or the school's leaders record a consent on the pupil's page."
    ),
    Purpose.COUNSELLING: _(
        "%(name)s's guardians have not given their consent to psychological counselling (none is "
        "recorded, or it was refused or withdrawn), and the school's rules ask for one. The class "
        "teacher or the school's leaders record a consent on the pupil's page."
    ),
    Purpose.TRANSFER_SHARING: _(
        "%(name)s's guardians have not given their consent to share the pupil's records with "
        "another school (none is recorded, or it was refused or withdrawn)."
    ),
}


class ConsentMissing(Invalid):
    """The guardians' consent to a purpose is not in force."""

    code = ErrorCode.CONSENT_MISSING


def consent_given(*, pupil: Pupil, purpose: str) -> bool:
    """Whether the guardians' consent to ``purpose`` is in force for the pupil at their school."""
    return in_force(consent_current(pupil=pupil, purpose=purpose))


def consent_require(*, pupil: Pupil, purpose: str, field: str | None = None, lock: bool = False) -> None:
    """Raise ConsentMissing unless the consent is in force. ``field`` names the input the refusal
    belongs to (the upload's ``file``); ``lock=True`` (inside a transaction) locks the pupil row
    first, as recording and withdrawing do, so that a concurrent withdrawal is seen."""
    if purpose not in Purpose.values:
        raise ValueError(f"Unknown consent purpose: {purpose!r}")
    if lock:
        Pupil.objects.select_for_update(of=("self",)).filter(pk=pupil.pk).values_list("pk").first()
    if consent_given(pupil=pupil, purpose=purpose):
        return
    message = MESSAGES[Purpose(purpose)] % {"name": pupil.name}
    raise ConsentMissing(message, errors={field or "consent": [message]})
