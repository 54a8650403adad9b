"""The retention policy: sane defaults, and a bad setting stops start-up naming the key."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from privacy.policy import RetentionPolicy, policy_from, retention_policy, years_before

GOOD: dict[str, Any] = {
    "closed_case_years": 3,
    "left_pupil_years": 3,
    "counselling_note_years": 3,
    "attachment_years": 3,
    "access_log_days": 365,
}


@pytest.mark.smoke
def test_the_defaults():
    assert retention_policy() == RetentionPolicy(**GOOD)


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closed_case_years": None}, r"'closed_case_years'\] must be a whole number"),
        ({"left_pupil_years": "3"}, r"'left_pupil_years'\] must be a whole number"),
        ({"attachment_years": True}, r"'attachment_years'\] must be a whole number"),
        ({"closed_case_years": 0}, r"'closed_case_years'\] must lie between 1 and 30"),
        ({"left_pupil_years": 31}, r"'left_pupil_years'\] must lie between 1 and 30"),
        ({"counselling_note_years": 4}, r"'counselling_note_years'\] may not be longer than closed_case"),
        ({"attachment_years": 5}, r"'attachment_years'\] may not be longer than closed_case_years"),
        ({"access_log_days": 179}, r"'access_log_days'\] must lie between 180 .*Cybersecurity Law"),
        ({"access_log_days": 3651}, r"'access_log_days'\] must lie between 180"),
        ({"audit_years": 3}, r"unknown keys \['audit_years'\]"),
    ],
)
def test_a_bad_value_is_named(change, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        policy_from(GOOD | change)


@pytest.mark.smoke
def test_a_missing_key_is_named():
    values = dict(GOOD)
    del values["access_log_days"]
    with pytest.raises(ImproperlyConfigured, match=r"'access_log_days'\] is missing"):
        policy_from(values)
    with pytest.raises(ImproperlyConfigured, match="must be a dict"):
        policy_from([3, 3])


@pytest.mark.smoke
def test_shorter_periods_for_notes_and_files_are_fine():
    policy = policy_from(GOOD | {"counselling_note_years": 1, "attachment_years": 2})
    today = datetime.date(2030, 6, 15)
    assert policy.note_cutoff(today) == datetime.date(2029, 6, 15)
    assert policy.attachment_cutoff(today) == datetime.date(2028, 6, 15)
    assert policy.case_cutoff(today) == datetime.date(2027, 6, 15)


@pytest.mark.smoke
def test_the_app_refuses_to_start_with_a_bad_policy():
    with (
        override_settings(WANJIA_RETENTION=GOOD | {"closed_case_years": 0}),
        pytest.raises(ImproperlyConfigured, match="closed_case_years"),
    ):
        apps.get_app_config("privacy").ready()


@pytest.mark.smoke
def test_years_before_handles_the_leap_day():
    assert years_before(datetime.date(2028, 2, 29), 3) == datetime.date(2025, 2, 28)
    assert years_before(datetime.date(2028, 2, 29), 4) == datetime.date(2024, 2, 29)
    assert years_before(datetime.date(2029, 3, 1), 3) == datetime.date(2026, 3, 1)
