"""The interface speaks Chinese first: every message has a current zh-hans translation."""

from __future__ import annotations

from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.smoke
def test_every_message_is_translated_to_simplified_chinese() -> None:
    catalogue = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    assert len(catalogue) > 100
    assert missing == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source() -> None:
    source = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    compiled = polib.mofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.mo"))
    # Keyed by context too: "done" (a case) and "done" (a six-ones item) are different messages.
    compiled_map = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in compiled}
    stale = [
        entry.msgid
        for entry in source.translated_entries()
        if not entry.msgid_plural and compiled_map.get((entry.msgctxt, entry.msgid)) != entry.msgstr
    ]
    assert stale == [], "run `make messages` to recompile locale/"


@pytest.mark.parametrize(
    ("english", "chinese"),
    [("pupil", "学生"), ("class teacher", "班主任"), ("left-behind child", "留守儿童")],
)
def test_domain_terms_use_the_programme_vocabulary(english: str, chinese: str) -> None:
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
