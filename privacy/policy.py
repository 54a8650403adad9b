"""The retention policy: how long each kind of record keeps its personal data (docs/retention.md).

Read from ``settings.WANJIA_RETENTION`` and checked when the app starts (``PrivacyConfig.ready``):
a missing, unknown or out-of-range value stops start-up with a message naming it.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# China's Cybersecurity Law (网络安全法, art. 21) requires network logs to be kept six months at least.
MIN_ACCESS_LOG_DAYS = 180
MAX_ACCESS_LOG_DAYS = 3650
MAX_YEARS = 30


@dataclass(frozen=True)
class RetentionPolicy:
    """Periods after which personal data goes; each counted from the day named."""

    closed_case_years: int  # from the day the case closed: its free text, files and notes
    left_pupil_years: int  # from the day the pupil left the roll (all their cases due too)
    counselling_note_years: int  # from the day the case closed: the confidential notes
    attachment_years: int  # from the day the case closed: the stored files of it and its visits
    access_log_days: int  # from the event: IP address, browser and detail of logins, views, downloads

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def case_cutoff(self, today: datetime.date) -> datetime.date:
        """Cases closed on or before this day are due."""
        return years_before(today, self.closed_case_years)

    def pupil_cutoff(self, today: datetime.date) -> datetime.date:
        """Pupils who left the roll on or before this day are due."""
        return years_before(today, self.left_pupil_years)

    def note_cutoff(self, today: datetime.date) -> datetime.date:
        return years_before(today, self.counselling_note_years)

    def attachment_cutoff(self, today: datetime.date) -> datetime.date:
        return years_before(today, self.attachment_years)

    def access_log_cutoff(self, now: datetime.datetime) -> datetime.datetime:
        """Access-log events before this moment are due."""
        return now - datetime.timedelta(days=self.access_log_days)


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` years earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _bad(name: str, problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"WANJIA_RETENTION[{name!r}] {problem} (docs/retention.md).")


def policy_from(values: Any) -> RetentionPolicy:
    """The policy these settings describe, or ImproperlyConfigured saying what is wrong."""
    if not isinstance(values, dict):
        raise ImproperlyConfigured("WANJIA_RETENTION must be a dict (docs/retention.md).")
    names = [f.name for f in fields(RetentionPolicy)]
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise ImproperlyConfigured(f"WANJIA_RETENTION has unknown keys {unknown} (docs/retention.md).")
    for name in names:
        if name not in values:
            raise _bad(name, "is missing")
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(name, f"must be a whole number, not {value!r}")
    policy = RetentionPolicy(**{name: values[name] for name in names})
    for name in ("closed_case_years", "left_pupil_years", "counselling_note_years", "attachment_years"):
        if not 1 <= getattr(policy, name) <= MAX_YEARS:
            raise _bad(name, f"must lie between 1 and {MAX_YEARS} years")
    # The case's anonymisation destroys its notes and files: a longer period could not be kept.
    for name in ("counselling_note_years", "attachment_years"):
        if getattr(policy, name) > policy.closed_case_years:
            raise _bad(name, "may not be longer than closed_case_years")
    if not MIN_ACCESS_LOG_DAYS <= policy.access_log_days <= MAX_ACCESS_LOG_DAYS:
        raise _bad(
            "access_log_days",
            f"must lie between {MIN_ACCESS_LOG_DAYS} (the Cybersecurity Law's six months) and "
            f"{MAX_ACCESS_LOG_DAYS} days",
        )
    return policy


def retention_policy() -> RetentionPolicy:
    """The policy in force."""
    return policy_from(getattr(settings, "WANJIA_RETENTION", None))
