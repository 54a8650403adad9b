"""The filters of the audit browser, its exports and the audit API: one form, one meaning.

Dates are days in Asia/Shanghai: ``since=2026-11-01`` starts at 00:00 that day, ``until=2026-11-30``
includes the whole of that day. A datetime without a zone is wall time in Asia/Shanghai.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts.models import User
from audit.actions import ACTION_LABELS, action_group, action_label
from casework.transitions import TRANSITIONS
from schools.models import School

LOCAL_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
MAX_ID = 2**63 - 1  # a bigger number is no id, and would overflow the database's bigint
# An action ("case.viewed"), a prefix ("case."), or one step of the case flow ("case.transition:approve_plan").
ACTION_PATTERN = re.compile(r"^[a-z0-9_.]{1,64}(?::[a-z0-9_]{1,64})?$")
CASE_TRANSITION = "case.transition"
# "+08:00" arrives as " 08:00" when a client forgets to encode the plus sign of a query string.
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPACED_OFFSET = re.compile(r"(\d) (\d{2}(?::?\d{2})?)$")


@dataclass(frozen=True)
class AuditFilters:
    """Validated filters; ``params`` keeps what was asked for, to record it with an export."""

    school: School | None = None
    case_id: int | None = None
    actor_ids: tuple[int, ...] | None = None  # None: any actor; (): a name that matches nobody
    action: str = ""
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None  # inclusive
    params: dict[str, str] = field(default_factory=dict)

    def apply(self, events: QuerySet[Any]) -> QuerySet[Any]:
        if self.school is not None:
            events = events.filter(school_id=self.school.pk)
        if self.case_id is not None:
            events = events.filter(case_id=self.case_id)
        if self.actor_ids is not None:
            events = events.filter(actor_id__in=self.actor_ids)
        if self.action:
            # "case." is a prefix (every case event); "case.transition:approve_plan" one step of
            # the case flow; anything else is one exact action.
            action, _sep, step = self.action.partition(":")
            if action.endswith("."):
                events = events.filter(action__startswith=action)
            else:
                events = events.filter(action=action)
            if step:
                events = events.filter(detail__transition=step)
        if self.since is not None:
            events = events.filter(occurred_at__gte=self.since)
        if self.until is not None:
            events = events.filter(occurred_at__lte=self.until)
        return events


def _parse_moment(value: str) -> datetime.date | datetime.datetime | None:
    value = _SPACED_OFFSET.sub(r"\1+\2", value.strip())
    try:
        # A bare date first: parse_datetime would also take it, as midnight.
        if _DATE_ONLY.match(value):
            return parse_date(value)
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_ZONE)
    return moment


# Bounds beyond these mean the same (no event is older or newer) and cannot overflow when a
# database backend converts them to UTC (SQLite does, in Python).
EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(9000, 1, 1, tzinfo=datetime.UTC)


def _lower(moment: datetime.date | datetime.datetime) -> datetime.datetime:
    """A "since" value as an instant: a date is its first moment in Asia/Shanghai."""
    if not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(moment, datetime.time.min, tzinfo=LOCAL_ZONE)
    return min(max(moment, EARLIEST), LATEST)


def _upper(moment: datetime.date | datetime.datetime) -> datetime.datetime:
    """An "until" value as an inclusive instant: a date is its last microsecond in Asia/Shanghai
    (the database's precision), so the whole day is included and 9999-12-31 does not overflow."""
    if not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(moment, datetime.time.max, tzinfo=LOCAL_ZONE)
    return min(max(moment, EARLIEST), LATEST)


def action_choices() -> list[tuple[str, Any]]:
    """The browser's list of actions: labels grouped by what they concern, the codes as values;
    the case flow's steps (批准方案, 退回方案, ...) each on their own."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in ACTION_LABELS:
        groups.setdefault(action_group(code), []).append((code, action_label(code)))
        if code == CASE_TRANSITION:
            groups[action_group(code)].extend(
                (
                    f"{CASE_TRANSITION}:{spec.name}",
                    pgettext("audit action", "%(action)s: %(step)s")
                    % {"action": action_label(code), "step": spec.label},
                )
                for spec in TRANSITIONS.values()
            )
    return [
        ("", pgettext("audit action", "All actions")),
        *(
            (group, sorted(options, key=lambda option: option[1]))
            for group, options in sorted(groups.items())
        ),
    ]


def _user_matches(value: str) -> Q:
    """Who a person filter means: the id or user name, or a part of the name (full name, family
    name then given name as in Chinese, or the user name), case-insensitive."""
    if value.isdigit():
        # A number is a user id (or a user name that is all digits), not a part of other names.
        return Q(username=value) | (Q(pk=int(value)) if int(value) <= MAX_ID else Q(pk__in=[]))
    condition = Q(username=value) | Q(username__icontains=value) | Q(full_name__icontains=value)
    return condition | Q(chinese_name__icontains=value) | Q(western_name__icontains=value)


def _users_named(value: str) -> tuple[int, ...]:
    """The ids of the users a person filter means (nobody is an empty result, not an error).

    The users table is small next to the trail: its matches become an indexed actor_id IN (...).
    """
    users = User.objects.annotate(
        chinese_name=Concat("last_name", "first_name"),
        western_name=Concat("first_name", Value(" "), "last_name"),
    )
    return tuple(users.filter(_user_matches(value)).order_by("pk").values_list("pk", flat=True))


def _both(first: tuple[int, ...] | None, second: tuple[int, ...] | None) -> tuple[int, ...] | None:
    """Two person filters together: the users both name."""
    if first is None or second is None:
        return first if second is None else second
    return tuple(pk for pk in first if pk in set(second))


class AuditFilterForm(forms.Form):
    """Query parameters ``school``, ``case``, ``actor``, ``actor_name``, ``action``, ``since``, ``until``.

    On the page ``actor`` takes a name or part of it. In the API (v1 is a contract) ``actor`` keeps
    its first meaning, an exact user id or user name, and ``actor_name`` is the added name search.
    """

    school = forms.CharField(
        label=_("School"), max_length=32, required=False, help_text=_("School id or code.")
    )
    case = forms.IntegerField(
        label=_("Case"), min_value=1, max_value=MAX_ID, required=False, help_text=_("Case number.")
    )
    actor = forms.CharField(
        label=_("Done by"),
        max_length=150,
        required=False,
        help_text=_("A name or part of it (李红梅, 红梅), a user name, or a user id."),
    )
    actor_name = forms.CharField(
        label=_("Done by (name)"),
        max_length=150,
        required=False,
        help_text=_("A name or part of it (李红梅, 红梅)."),
    )
    action = forms.CharField(
        label=_("Action"),
        max_length=64,
        required=False,
        help_text=_('An action such as "case.viewed", or a prefix ending in a dot such as "case.".'),
    )
    since = forms.CharField(
        label=_("From"), max_length=40, required=False, help_text=_("A date (YYYY-MM-DD) or a date and time.")
    )
    until = forms.CharField(
        label=_("To"),
        max_length=40,
        required=False,
        help_text=_("A date (the whole day is included) or a date and time."),
    )

    def __init__(self, data: Any, *, schools: QuerySet[School] | None = None) -> None:
        super().__init__(data)
        self.page = schools is not None
        if schools is not None:
            # The page's person box searches names itself; the API's name search is its own field.
            del self.fields["actor_name"]
            # On the page the school and the action are lists (the values: a school's code, an
            # action's code), the dates are date pickers; the API takes the same values typed.
            self.fields["school"].widget = forms.Select(
                choices=[("", _("All schools")), *((s.code, f"{s.name} ({s.code})") for s in schools)]
            )
            self.fields["school"].help_text = ""
            self.fields["action"].widget = forms.Select(choices=action_choices())
            self.fields["action"].help_text = ""
            for name in ("since", "until"):
                self.fields[name].widget = forms.DateInput(attrs={"type": "date"})
                self.fields[name].help_text = ""
        else:
            self.fields["since"].widget.attrs.update(placeholder="2026-11-01")
            self.fields["until"].widget.attrs.update(placeholder="2026-11-30")

    def clean_school(self) -> School | None:
        value = self.cleaned_data["school"].strip()
        if not value:
            return None
        condition = Q(code=value)
        if value.isdigit() and int(value) <= MAX_ID:
            condition |= Q(pk=int(value))
        school = School.objects.filter(condition).order_by("pk").first()
        if school is None:
            raise forms.ValidationError(_("No such school."), code="invalid")
        return school

    def clean_actor(self) -> tuple[int, ...] | None:
        value = self.cleaned_data["actor"].strip()
        if not value:
            return None
        if self.page:
            return _users_named(value)
        condition = Q(username=value)
        if value.isdigit() and int(value) <= MAX_ID:
            condition |= Q(pk=int(value))
        # Nobody by that name is an empty result, not an error: it says nothing about who exists.
        return tuple(User.objects.filter(condition).order_by("pk").values_list("pk", flat=True))

    def clean_actor_name(self) -> tuple[int, ...] | None:
        value = self.cleaned_data["actor_name"].strip()
        return _users_named(value) if value else None

    def clean_action(self) -> str:
        value = self.cleaned_data["action"].strip()
        if value and not ACTION_PATTERN.match(value):
            raise forms.ValidationError(
                _('Use an action such as "case.viewed", or a prefix such as "case.".'), code="invalid"
            )
        return value

    def _clean_moment(self, name: str) -> datetime.date | datetime.datetime | None:
        value = self.cleaned_data[name].strip()
        if not value:
            return None
        moment = _parse_moment(value)
        if moment is None:
            raise forms.ValidationError(
                _("Enter a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)."), code="invalid"
            )
        return moment

    def clean_since(self) -> datetime.date | datetime.datetime | None:
        return self._clean_moment("since")

    def clean_until(self) -> datetime.date | datetime.datetime | None:
        return self._clean_moment("until")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since is not None and until is not None and _lower(since) > _upper(until):
            self.add_error("until", forms.ValidationError(_("The end is before the start."), code="invalid"))
        return data

    def filters(self) -> AuditFilters:
        """The validated filters (call after ``is_valid()`` returned True)."""
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        params = {name: str(self.data.get(name, "")).strip() for name in self.fields}
        return AuditFilters(
            school=data.get("school"),
            case_id=data.get("case"),
            actor_ids=_both(data.get("actor"), data.get("actor_name")),
            action=data.get("action") or "",
            since=_lower(since) if since is not None else None,
            until=_upper(until) if until is not None else None,
            params={name: value for name, value in params.items() if value},
        )

    def error_dict(self) -> dict[str, list[str]]:
        return {name: [str(message) for message in messages] for name, messages in self.errors.items()}
