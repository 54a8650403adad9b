"""Every audit action the code base writes has a label for people (audit/actions.py)."""

from __future__ import annotations

import pytest
from django.utils import translation

from audit.actions import ACTION_GROUPS, ACTION_LABELS, action_group, action_label
from tests.audit.action_codes import collect


def test_every_action_written_anywhere_has_a_label() -> None:
    found = collect()
    assert found.unresolved == [], "teach tests/audit/action_codes.py (DYNAMIC) what these can be"
    missing = {action: places for action, places in found.actions.items() if action not in ACTION_LABELS}
    assert missing == {}, "add these actions to audit.actions.ACTION_LABELS"
    # The reader finds what we know is there: literals, wrappers, constants, f-strings, mappings.
    for action in (
        "case.transition",  # a literal
        "visit.record",  # through casework.services._common.audit_visit(action, ...)
        "note.read_refused",  # f"{action}_refused" in casework.notes
        "opinion.complete",  # f"opinion.{name}", name from the opinion page's steps
        "tutoring.viewed",  # audit.services.CASE_READS[record]
        "report.viewed",  # reports.services.VIEWED, passed by the view
        "retention.applied",  # privacy's ACTION constant
        "access.refused",  # audit.receivers.ACCESS_REFUSED
    ):
        assert action in found.actions, action


def test_no_label_is_left_over_for_an_action_nobody_writes() -> None:
    assert set(ACTION_LABELS) - set(collect().actions) == set()


def test_every_action_has_a_group() -> None:
    assert {code.split(".", 1)[0] for code in ACTION_LABELS} <= set(ACTION_GROUPS)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_labels_are_translated_strings(language: str) -> None:
    with translation.override(language):
        for code in ACTION_LABELS:
            label = action_label(code)
            assert label and label != code
            assert action_group(code)


def test_an_unknown_action_is_shown_as_its_code() -> None:
    assert action_label("bureau.review") == "bureau.review"
    with translation.override("en"):
        assert action_label("case.open") == "Opened a case"
