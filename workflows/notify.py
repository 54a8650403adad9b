"""The notification service: an event tells exactly the people who must act, once
(docs/notifications.md).

``notify(kind=, event=, recipients=, ...)`` is the one entry point. Casework's events arrive
through its signals (``workflows.receivers``); the apps above workflows (opinions, support,
inspections) call it directly. It runs inside the event's transaction: the in-app rows are
written with the event, in ONE query whatever the number of recipients (INSERT ... SELECT from
the recipients' queryset, ON CONFLICT DO NOTHING on (event, user)); only the rows it really
inserted are handed, after commit, to Celery for the user's channels (e-mail, robot webhook).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from core.webhooks import webhook_payload
from schools.models import Membership
from workflows.models import Notification, NotificationKind, NotificationPreference

if TYPE_CHECKING:
    from casework.models import Case
    from workflows.models import CaseTask

logger = logging.getLogger(__name__)
Kind = NotificationKind
LEADER_ROLES = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL)

# Channels besides the in-app list.
EMAIL = "email"
WEBHOOK = "webhook"


def staff_of_school(*, school_id: int, roles: Iterable[str] | None = None) -> QuerySet[User]:
    """Active users with an active membership at the school (in one of ``roles``, if given):
    whoever has left the school is never told about it."""
    memberships = Membership.objects.filter(school_id=school_id, is_active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))


def leaders_of_school(*, school_id: int) -> QuerySet[User]:
    """The school's principal and vice principals: who approves plans, answers opinions and
    rectifications, and signs disbursements."""
    return staff_of_school(school_id=school_id, roles=LEADER_ROLES)


def notify(
    *,
    kind: str,
    event: str,
    recipients: QuerySet[User],
    school_id: int | None,
    url: str = "",
    params: dict[str, Any] | None = None,
    actor: User | None = None,
) -> list[int]:
    """Tell ``recipients`` (minus ``actor``) about one event, once each; returns the ids of the
    notifications inserted now (a repeated event inserts none).

    ``kind`` is a ``NotificationKind``; ``event`` a key unique to the event
    (``"case:12:plan_submitted:345"``); ``url`` the path of the page where the work is done;
    ``params`` what the sentence needs (ids, a staff member's name, a date: no pupil data).
    One INSERT ... SELECT ... ON CONFLICT DO NOTHING, inside the caller's transaction; the
    e-mails and webhooks go after commit, on Celery.
    """
    assert event, "an event needs its key"
    if actor is not None:
        recipients = recipients.exclude(pk=actor.pk)
    ids = _insert(
        recipients=recipients,
        values={
            "kind": kind,
            "event": event[:120],
            "school_id": school_id,
            "url": url[:300],
            "params": params or {},
            "batch": uuid.uuid4(),
            "created_at": timezone.now(),
        },
    )
    if ids:
        notifications_deliver_on_commit(ids)
    return ids


def _concrete(name: str) -> models.Field[Any, Any]:
    field = Notification._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _insert(*, recipients: QuerySet[User], values: dict[str, Any]) -> list[int]:
    """INSERT INTO notification (user, ...) SELECT DISTINCT id, ... FROM (recipients) ON CONFLICT
    (event, user) WHERE NOT (event = '') DO NOTHING RETURNING id (the partial index's own predicate,
    which SQLite needs word for word): one query, any number of people."""
    meta = Notification._meta
    # One column (the user id) whatever its alias: the outer SELECT takes r.*.
    inner_sql, inner_params = recipients.order_by().values_list("pk", flat=True).query.sql_with_params()
    fields = {key: _concrete(key) for key in values}
    columns = [connection.ops.quote_name(_concrete("user").column)] + [
        connection.ops.quote_name(f.column) for f in fields.values()
    ]
    constants = [f.get_db_prep_save(values[key], connection) for key, f in fields.items()]
    if connection.vendor == "postgresql":  # typed, so that SELECT DISTINCT can compare them
        placeholders = [f"%s::{f.db_type(connection)}" for f in fields.values()]
    else:
        placeholders = ["%s"] * len(fields)
    table = connection.ops.quote_name(meta.db_table)
    event_column = connection.ops.quote_name(meta.get_field("event").column)
    user_column = columns[0]
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - identifiers from the model, values bound
        f"SELECT DISTINCT r.*, {', '.join(placeholders)} FROM ({inner_sql}) AS r WHERE true "
        f"ON CONFLICT ({event_column}, {user_column}) WHERE NOT ({event_column} = '') DO NOTHING "
        f"RETURNING {connection.ops.quote_name(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants, *inner_params])
        return sorted(row[0] for row in cursor.fetchall())


def notifications_deliver_on_commit(ids: list[int]) -> None:
    """After commit, hand the notifications to Celery for the users' channels (never before: a
    rolled-back event tells nobody; never blocking the request: the worker sends)."""
    from workflows.tasks import deliver_notifications

    ids = list(ids)
    # robust: a broker that is down loses the e-mails and robot messages (logged), never the
    # request, whose event and in-app notifications are already committed.
    transaction.on_commit(lambda: deliver_notifications.delay(ids), robust=True)


# --- the events of the case flow ---------------------------------------------------------------


def _case_link(case_id: int, task: CaseTask | None) -> str:
    from django.urls import reverse

    if task is not None:
        return reverse("workflows:task_detail", args=[task.pk])
    return reverse("casework:case_detail", args=[case_id])


def case_transition_notify(*, case: Case, actor: User, transition: str) -> list[int]:
    """The plan's steps: submitted (the school's leaders who may approve it, not its author),
    returned (the paired teacher, with the reason), approved (the paired teacher). Runs on
    ``casework.signals.case_transitioned`` after the task sync, in the case's transaction."""
    from workflows.services import case_current_task

    if transition not in ("submit_plan", "return_plan", "approve_plan"):
        return []
    task = case_current_task(case=case)
    url = _case_link(case.pk, task)
    params: dict[str, Any] = {"case": case.pk, "who": who(actor)}
    key = f"case:{case.pk}:{transition}:{task.pk if task else case.state_changed_at.isoformat()}"
    if transition == "submit_plan":
        kind = Kind.PLAN_SUBMITTED
        plan = case.latest_plan()
        recipients = leaders_of_school(school_id=case.school_id)
        if plan is not None and plan.author_id:
            recipients = recipients.exclude(pk=plan.author_id)  # four eyes: the author cannot approve
    else:
        kind = Kind.PLAN_RETURNED if transition == "return_plan" else Kind.PLAN_APPROVED
        recipients = staff_of_school(school_id=case.school_id).filter(pk=case.owner_id)
        if transition == "return_plan":
            params["reason"] = _last_comment(case)
    return notify(
        kind=kind,
        event=key,
        recipients=recipients,
        school_id=case.school_id,
        url=url,
        params=params,
        actor=actor,
    )


def _last_comment(case: Case) -> str:
    """The comment of the transition just fired (the return reason), from its audit event."""
    from audit.models import AuditEvent

    detail = (
        AuditEvent.objects.filter(case_id=case.pk, action="case.transition")
        .order_by("-id")
        .values_list("detail", flat=True)
        .first()
    )
    return str((detail or {}).get("comment", ""))[:500] if isinstance(detail, dict) else ""


def case_handed_over_notify(*, case: Case, new_owner: User, actor: User, event_id: int) -> list[int]:
    """The new paired teacher is told a case is theirs now (a handover or a colleague leaving);
    ``event_id``: the handover's audit event."""
    from django.urls import reverse

    return notify(
        kind=Kind.CASE_HANDED_OVER,
        event=f"case:{case.pk}:handed_over:{event_id}",
        recipients=staff_of_school(school_id=case.school_id).filter(pk=new_owner.pk),
        school_id=case.school_id,
        url=reverse("casework:case_detail", args=[case.pk]),
        params={"case": case.pk, "who": who(actor)},
        actor=actor,
    )


# --- the sentences ---------------------------------------------------------------------------------


def _task_label(kind: str) -> str:
    from workflows.models import CaseTask

    task: CaseTask = CaseTask(kind=kind)
    return task.get_kind_display()


def event_text(note: Notification, *, external: bool = False) -> str:
    """The sentence of an event's notification in the active language. ``external``: for e-mail
    and robots, without free text written by staff (a return reason may name the pupil)."""
    p = note.params or {}
    v = {
        "who": p.get("who", ""),
        "case": p.get("case", ""),
        "opinion": p.get("opinion", ""),
        "amount": p.get("amount", ""),
        "deadline": p.get("deadline", ""),
        "school": p.get("school", ""),
    }
    kind = note.kind
    if kind == Kind.PLAN_SUBMITTED:
        return _("%(who)s submitted the support plan of case %(case)s: please approve or return it.") % v
    if kind == Kind.PLAN_RETURNED:
        text = _("%(who)s returned the support plan of case %(case)s: please revise and resubmit it.") % v
        if p.get("reason") and not external:
            text += " " + _("Reason: %(reason)s") % {"reason": p["reason"]}
        return text
    if kind == Kind.PLAN_APPROVED:
        return _("%(who)s approved the support plan of case %(case)s: schedule the home visit.") % v
    if kind == Kind.CASE_HANDED_OVER:
        return _("%(who)s handed case %(case)s over to you.") % v
    if kind == Kind.OPINION_RECEIVED:
        return (
            _("A parents' opinion (No. %(opinion)s) was recorded by %(who)s: please study and answer it.") % v
        )
    if kind == Kind.OPINION_ANSWERED:
        return _("The parents' opinion No. %(opinion)s you recorded has been answered by %(who)s.") % v
    if kind == Kind.PAYOUT_TO_SIGN:
        return _("%(who)s asks for a disbursement to case %(case)s: it waits for your signature.") % v
    if kind == Kind.REVERSAL_TO_SIGN:
        return _("%(who)s asks to correct a ledger entry: it waits for your signature.") % v
    if kind == Kind.RECTIFICATION_ISSUED:
        return _("The inspectors ask %(school)s for a rectification by %(deadline)s.") % v
    if kind == Kind.RECTIFICATION_DUE:
        if p.get("overdue"):
            return _("The rectification asked of %(school)s was due on %(deadline)s and is overdue.") % v
        return _("The rectification asked of %(school)s is due on %(deadline)s.") % v
    return str(note.get_kind_display())


def who(user: User | None) -> str:
    """How a member of staff is named in a notification."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


# --- the channels (run by the Celery tasks in workflows.tasks) ----------------------------------


def preference_for(user: User) -> NotificationPreference:
    """The user's saved preference, or the defaults (unsaved). Read afresh: a user object kept
    across saves must not answer with a stale cached relation."""
    saved = NotificationPreference.objects.filter(user=user).first()
    return saved if saved is not None else NotificationPreference(user=user)


def _joined_preference(user: User) -> NotificationPreference:
    """The preference read with the user (select_related), or the defaults: no query."""
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def deliveries(ids: list[int]) -> list[tuple[int, str]]:
    """(notification id, channel) for each channel the recipients chose (one query)."""
    notes = Notification.objects.filter(pk__in=ids).select_related("user", "user__notification_preference")
    out: list[tuple[int, str]] = []
    for note in notes.order_by("id"):
        pref = _joined_preference(note.user)
        if pref.email and not pref.digest and note.user.email and note.kind != Kind.BREAK_GLASS:
            out.append((note.pk, EMAIL))  # casework e-mails the break-glass recipients itself
        if pref.webhook_format and pref.webhook_url:
            out.append((note.pk, WEBHOOK))
    return out


def absolute(url: str) -> str:
    base = str(getattr(settings, "WANJIA_SITE_URL", "") or "").rstrip("/")
    return f"{base}{url}" if url else ""


def notification_send(*, notification_id: int, channel: str) -> None:
    """Send one notification through one channel (raises core.webhooks errors for Celery's retry)."""
    from core.webhooks import send_webhook
    from workflows.reminders import notification_text

    note = (
        Notification.objects.select_related("user", "user__notification_preference")
        .filter(pk=notification_id)
        .first()
    )
    if note is None:
        return
    pref = _joined_preference(note.user)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("[Wanjia] %(kind)s") % {"kind": note.get_kind_display()}
        text = notification_text(note, external=True)
        link = absolute(notification_link(note))
        if channel == EMAIL:
            body = "\n\n".join([text, _("Open: %(link)s") % {"link": link}])
            send_mail(title, body, None, [note.user.email])
        elif channel == WEBHOOK and pref.webhook_url:
            markdown = f"{text}\n\n[{pgettext('notification', 'Open')}]({link})" if link else text
            send_webhook(pref.webhook_url, webhook_payload(pref.webhook_format, title=title, text=markdown))


def notification_link(note: Notification) -> str:
    """The path of the page where the notification's work is done."""
    return note.url or _default_link(note)


def _default_link(note: Notification) -> str:
    from django.urls import reverse

    if note.kind == Kind.BREAK_GLASS and (note.params or {}).get("case"):
        return reverse("casework:case_detail", args=[note.params["case"]])
    if note.task_id:
        return reverse("workflows:task_detail", args=[note.task_id])
    return reverse("workflows:notifications")


def notification_preference_update(
    *, user: User, email: bool, digest: bool, webhook_format: str = "", webhook_url: str = ""
) -> NotificationPreference:
    """Save how the user wants to be told: e-mail (at once, or a daily digest) and a group
    robot's webhook (WeCom or DingTalk, an https address of the robot service)."""
    from core.errors import Invalid
    from core.webhooks import webhook_url_problem
    from workflows.models import WebhookFormat

    webhook_url = (webhook_url or "").strip()
    webhook_format = (webhook_format or "").strip()
    errors: dict[str, list[str]] = {}
    if webhook_format not in WebhookFormat.values:
        errors["webhook_format"] = [_("Choose WeCom, DingTalk or none.")]
    elif webhook_format and not webhook_url:
        errors["webhook_url"] = [_("Give the robot's webhook address.")]
    elif webhook_url and not webhook_format:
        errors["webhook_format"] = [_("Say which kind of robot the address is for.")]
    if webhook_url and len(webhook_url) > 500:
        errors["webhook_url"] = [_("At most %(max)s characters.") % {"max": 500}]
    elif webhook_url and (problem := webhook_url_problem(webhook_url)):
        errors["webhook_url"] = [problem]
    if errors:
        raise Invalid(_("The notification settings were not saved."), errors=errors)
    with transaction.atomic():
        pref, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        pref.email = bool(email)
        pref.digest = bool(digest)
        pref.webhook_format = webhook_format
        pref.webhook_url = webhook_url if webhook_format else ""
        pref.full_clean(exclude=["user"])
        pref.save()
    return pref


# --- the daily digest ----------------------------------------------------------------------------


def notification_digests_send(*, today: datetime.date | None = None) -> int:
    """One e-mail per user who chose the digest, summarising their unread notifications; at most
    one a day per user, whatever the runs (claimed by a conditional UPDATE). Returns how many."""
    from workflows.reminders import notification_text
    from workflows.selectors import notifications_unread_for_user

    today = today or timezone.localdate()
    sent = 0
    candidates = list(
        NotificationPreference.objects.filter(digest=True, email=True, user__is_active=True)
        .exclude(user__email="")
        .exclude(digest_sent_on__gte=today)
        .select_related("user")
        .order_by("user_id")
    )
    for pref in candidates:
        user = pref.user
        notes = list(notifications_unread_for_user(user=user).order_by("-created_at", "-id")[:50])
        if not notes:
            continue
        with transaction.atomic():
            claimed = (
                NotificationPreference.objects.filter(pk=pref.pk)
                .exclude(digest_sent_on__gte=today)
                .update(digest_sent_on=today)
            )
        if not claimed:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[Wanjia] %(count)d unread notifications") % {"count": len(notes)}
            lines = [f"- {notification_text(n, external=True)}" for n in notes]
            link = absolute(_default_link(Notification()))
            body = "\n".join([*lines, "", _("See your notifications: %(link)s") % {"link": link}])
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:  # one bad address must not stop the others
            logger.exception("digest mail to user %s failed", user.pk)
            continue
        sent += 1
    return sent
