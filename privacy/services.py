"""The retention run (docs/retention.md): anonymise what is past its period, erase the audit
detail about it, record the run as one audit event.

``retention_apply`` is the one entry point: ``manage.py apply_retention`` and the Celery task
``privacy.tasks.apply_retention`` call it. One run is one transaction: everything it anonymises,
the audit payloads it erases and the ``retention.applied`` event that counts them commit together
(the stored files of erased attachments are deleted once it has committed). What it changes is
marked (``anonymised_at``, ``destroyed_at``, ``erased_at``), and only unmarked records are
selected, so a second run finds nothing more to do.
"""

from __future__ import annotations

import datetime
import hashlib
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Case as CaseWhen
from django.db.models import CharField, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from attachments.models import Attachment
from attachments.storage import private_storage
from audit.chain import ERASED_COUNT_KEY
from audit.models import AuditEvent
from audit.services import audit_erasable, audit_erase, audit_record
from care.models import ArchiveEntry, CounsellingSession, SpecialGroupArchive, TutoringSession
from casework.models import (
    BreakGlassAccess,
    Case,
    CounsellingNote,
    HomeVisit,
    State,
    SupportPlan,
    VisitGiftReport,
    VisitParticipant,
)
from consents.models import Consent
from core.errors import Conflict
from drafts.models import Draft
from drafts.services import draft_purge, drafts_due
from opinions.models import ParentOpinion
from privacy.inventory import ANONYMISED, PERSONAL, PSEUDONYM_PREFIX, Treatment
from privacy.policy import RetentionPolicy, retention_policy
from schools.models import Guardian, Pupil
from sixones.handbook import handbook_pdf, handbook_visits
from sixones.models import ActOfHelp, Handbook, VisitEssay
from support.models import DisbursementRequest, LedgerEntry, ReversalRequest

ACTION = "retention.applied"
# Access-log events (docs/retention.md): logins and every look at or copy of a pupil's records.
# After access_log_days they lose their payload (IP address, browser, detail); who, what and when stay.
# Actions other branches add (views of care records and visits, reports, the subject export,
# second-factor sign-ins) are listed too; an action not written (yet) matches nothing.
ACCESS_LOG_PREFIXES = ("auth.", "mfa.")
ACCESS_LOG_ACTIONS = (
    "case.viewed",
    "pupil.viewed",
    "tutoring.viewed",
    "counselling.viewed",
    "archive.viewed",
    "visit.viewed",
    "report.viewed",
    "report.exported",
    "pupil.subject_export",
    "note.read",
    "note.read_refused",
    "note.write_refused",
    "attachment.downloaded",
    "sixones.handbook_downloaded",
    "evidence.exported",
    "audit.exported",
    "support.export",
)
CHUNK = 500
# pg_advisory_xact_lock key: one retention run at a time across every process.
LOCK_KEY = zlib.crc32(b"wanjia.privacy.retention_apply")


@dataclass
class RetentionRun:
    """What a run did (or, dry, would do). Counts are rows changed; ``pupils_waiting`` is not a change."""

    dry_run: bool
    today: datetime.date
    policy: RetentionPolicy
    access_log_cutoff: datetime.datetime
    pupil_ids: list[int] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    notes_destroyed: int = 0
    attachment_files_deleted: int = 0
    handbooks_rebuilt: int = 0
    audit_events_erased: int = 0
    audit_events_kept: int = 0
    access_log_events_erased: int = 0
    pupils_waiting: int = 0
    event: AuditEvent | None = None

    def counts(self) -> dict[str, Any]:
        return {
            "pupils": len(self.pupil_ids),
            "cases": len(self.case_ids),
            "rows": dict(sorted(self.rows.items())),
            "notes_destroyed": self.notes_destroyed,
            "attachment_files_deleted": self.attachment_files_deleted,
            "handbooks_rebuilt": self.handbooks_rebuilt,
            "audit_events_erased": self.audit_events_erased,
            "audit_events_kept": self.audit_events_kept,
            "access_log_events_erased": self.access_log_events_erased,
        }

    @property
    def changes(self) -> int:
        """How many rows the run changed (zero for a run that found nothing due)."""
        return (
            sum(self.rows.values())
            + self.notes_destroyed
            + self.handbooks_rebuilt
            + self.audit_events_erased
            + self.access_log_events_erased
        )


def _chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    batch: list[int] = []
    for item in ids:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _closed_by(day: datetime.date, prefix: str = "") -> Q:
    """Closed on or before ``day`` (local time), and still closed."""
    return Q(**{f"{prefix}state": State.CLOSED, f"{prefix}closed_at__lt": _end_of(day)})


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def _updates(model: type[models.Model]) -> dict[str, Any]:
    """The UPDATE of the model's personal fields that PERSONAL calls for (markers, blanks, pseudonyms)."""
    updates: dict[str, Any] = {}
    for name, treatment in PERSONAL[_label(model)].items():
        model_field = model._meta.get_field(name)
        assert isinstance(model_field, models.Field)
        if treatment is Treatment.MARKER:
            # An empty value stays empty: that a field was never filled is not personal data.
            updates[name] = CaseWhen(When(**{name: ""}, then=Value("")), default=Value(ANONYMISED))
        elif treatment is Treatment.CLEARED:
            updates[name] = None if model_field.null else ""
        elif treatment is Treatment.PSEUDONYM:
            updates[name] = Concat(Value(PSEUDONYM_PREFIX), Cast("pk", CharField()))
    return updates


# --- what is due ----------------------------------------------------------------------------------


def _due_cases(policy: RetentionPolicy, today: datetime.date, *, lock: bool) -> list[int]:
    cases = Case.objects.filter(_closed_by(policy.case_cutoff(today)), anonymised_at__isnull=True)
    if lock:
        # A principal reopening one of these cases waits for the run (and then finds it anonymised).
        cases = cases.select_for_update(of=("self",))
    return list(cases.order_by("pk").values_list("pk", flat=True))


def _pupils_off_the_roll(policy: RetentionPolicy, today: datetime.date) -> models.QuerySet[Pupil]:
    return Pupil.objects.filter(
        is_active=False, left_roll_on__lte=policy.pupil_cutoff(today), anonymised_at__isnull=True
    )


def _case_not_due(policy: RetentionPolicy, today: datetime.date) -> Exists:
    return Exists(Case.objects.filter(pupil_id=OuterRef("pk")).exclude(_closed_by(policy.case_cutoff(today))))


def _due_pupils(policy: RetentionPolicy, today: datetime.date, *, lock: bool) -> list[int]:
    """Off the roll for the period, and every case of theirs closed for the case period too."""
    pupils = _pupils_off_the_roll(policy, today).exclude(_case_not_due(policy, today))
    if lock:
        pupils = pupils.select_for_update(of=("self",))
    return list(pupils.order_by("pk").values_list("pk", flat=True))


def _case_scope(ids: list[int]) -> list[tuple[type[models.Model], Q]]:
    """Every record that belongs to these cases (a visit of the case, an opinion raised on it, ...)."""
    return [
        (Case, Q(pk__in=ids)),
        (SupportPlan, Q(case__in=ids)),
        (HomeVisit, Q(case__in=ids)),
        (VisitGiftReport, Q(visit__case__in=ids)),
        (TutoringSession, Q(case__in=ids)),
        (CounsellingSession, Q(case__in=ids)),
        (CounsellingNote, Q(case__in=ids)),
        (BreakGlassAccess, Q(case__in=ids)),
        (ParentOpinion, Q(case__in=ids) | Q(visit__case__in=ids)),
        (ActOfHelp, Q(case__in=ids)),
        (VisitEssay, Q(visit__case__in=ids)),
        (DisbursementRequest, Q(case__in=ids)),
        (LedgerEntry, Q(case__in=ids) | Q(reverses__case__in=ids)),
        (ReversalRequest, Q(entry__case__in=ids)),
        (Attachment, Q(case__in=ids) | Q(visit__case__in=ids)),
    ]


def _pupil_scope(ids: list[int]) -> list[tuple[type[models.Model], Q]]:
    """Every record of these pupils outside their cases (the cases' own went with the cases)."""
    no_case_visit = Q(visit__isnull=True) | Q(visit__case__isnull=True)
    return [
        (Pupil, Q(pk__in=ids)),
        (Guardian, Q(pupil__in=ids)),
        (HomeVisit, Q(pupil__in=ids, case__isnull=True)),
        (VisitGiftReport, Q(visit__pupil__in=ids, visit__case__isnull=True)),
        (SpecialGroupArchive, Q(pupil__in=ids)),
        (ArchiveEntry, Q(archive__pupil__in=ids)),
        (
            ParentOpinion,
            Q(case__isnull=True) & no_case_visit & (Q(pupil__in=ids) | Q(visit__pupil__in=ids)),
        ),
        (ActOfHelp, Q(pupil__in=ids, case__isnull=True)),
        (VisitEssay, Q(visit__pupil__in=ids, visit__case__isnull=True)),
        (Consent, Q(pupil__in=ids)),
        (Attachment, Q(visit__pupil__in=ids, visit__case__isnull=True) | Q(consent__pupil__in=ids)),
    ]


# --- the steps ------------------------------------------------------------------------------------


@dataclass
class _Work:
    """What the run has touched so far: for the audit erasure and the handbooks."""

    run: RetentionRun
    now: datetime.datetime
    targets: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    visits: set[int] = field(default_factory=set)
    essays: set[int] = field(default_factory=set)
    attachments: set[int] = field(default_factory=set)
    files: list[str] = field(default_factory=list)

    def count(self, model: type[models.Model], n: int) -> None:
        if n:
            self.run.rows[_label(model)] = self.run.rows.get(_label(model), 0) + n


def _anonymise(work: _Work, scope: Sequence[tuple[type[models.Model], Q]]) -> None:
    """Replace the personal fields of every record in the scope (files and notes apart)."""
    for model, condition in scope:
        ids = list(model._default_manager.filter(condition).order_by("pk").values_list("pk", flat=True))
        work.targets[model._meta.label_lower].update(ids)
        if model is HomeVisit:
            work.visits.update(ids)
        elif model is VisitEssay:
            work.essays.update(ids)
        if model is Attachment:
            _erase_attachments(work, ids)
            continue
        if _label(model) not in PERSONAL or model is CounsellingNote:
            continue  # no text of its own (sessions), or destroyed by _destroy_notes
        rows = model._default_manager.filter(pk__in=ids)
        if model is LedgerEntry:
            # The ledger's trigger lets an entry change only to the marker; one with nothing to
            # replace is left as posted.
            rows = rows.exclude(purpose__in=("", ANONYMISED), reason__in=("", ANONYMISED))
        if work.run.dry_run:
            work.count(model, rows.count())
            continue
        updates = _updates(model)
        if model is Case or model is Pupil:
            updates["anonymised_at"] = work.now
        changed = 0
        for batch in _chunks(ids):
            changed += rows.filter(pk__in=batch).update(**updates)
        work.count(model, changed)


def _destroy_notes(work: _Work, policy: RetentionPolicy, today: datetime.date) -> None:
    """Empty the ciphertext of the notes of cases closed for the notes' period."""
    notes = CounsellingNote.objects.filter(
        _closed_by(policy.note_cutoff(today), prefix="case__"), destroyed_at__isnull=True
    )
    if work.run.dry_run:
        work.run.notes_destroyed = notes.count()
        return
    work.run.notes_destroyed = notes.update(ciphertext=b"", destroyed_at=work.now)


def _erase_attachments(work: _Work, ids: list[int]) -> None:
    """Delete the stored bytes (after commit), replace the name and caption, keep type and size."""
    # A dry run erases nothing, so the case's step would count again what the files' step counted.
    ids = [pk for pk in ids if pk not in work.attachments]
    work.attachments.update(ids)
    attachments = Attachment.objects.filter(pk__in=ids, erased_at__isnull=True)
    stored = [
        name
        for name, removed_at in attachments.values_list("file", "removed_at")
        if name and removed_at is None  # a removed attachment's bytes went when it was removed
    ]
    work.run.attachment_files_deleted += len(stored)
    if work.run.dry_run:
        work.count(Attachment, attachments.count())
        return
    work.files.extend(stored)
    changed = 0
    for batch in _chunks(ids):
        changed += attachments.filter(pk__in=batch).update(
            **_updates(Attachment), file="", sha256="", erased_at=work.now
        )
    work.count(Attachment, changed)


def _attachments_due(policy: RetentionPolicy, today: datetime.date) -> list[int]:
    """Files of cases closed for the attachments' period (and of those cases' visits)."""
    day = policy.attachment_cutoff(today)
    return list(
        Attachment.objects.filter(erased_at__isnull=True)
        .filter(_closed_by(day, prefix="case__") | _closed_by(day, prefix="visit__case__"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _rebuild_handbooks(work: _Work) -> None:
    """Compile again every handbook that printed a visit or an essay anonymised by this run."""
    if not work.visits and not work.essays:
        return
    visits = HomeVisit.objects.filter(pk__in=work.visits)
    teachers = set(visits.exclude(recorded_by__isnull=True).values_list("recorded_by_id", flat=True))
    teachers |= set(
        VisitParticipant.objects.filter(visit_id__in=work.visits).values_list("user_id", flat=True)
    )
    essay_years = set(VisitEssay.objects.filter(pk__in=work.essays).values_list("author_id", "campaign_id"))
    teachers |= {author for author, _campaign in essay_years}
    handbooks = Handbook.objects.filter(teacher_id__in=teachers).select_related(
        "teacher", "school", "campaign"
    )
    for handbook in handbooks.order_by("pk"):
        printed = list(handbook_visits(teacher=handbook.teacher, campaign=handbook.campaign))
        if not (
            work.visits.intersection(v.pk for v in printed)
            or (handbook.teacher_id, handbook.campaign_id) in essay_years
        ):
            continue
        work.run.handbooks_rebuilt += 1
        if work.run.dry_run:
            continue
        # The handbook is printed in the site's language, whoever started the run.
        with translation.override(settings.LANGUAGE_CODE):
            pdf = handbook_pdf(
                teacher=handbook.teacher, school=handbook.school, campaign=handbook.campaign, visits=printed
            )
        handbook.pdf = pdf
        handbook.sha256 = hashlib.sha256(pdf).hexdigest()
        handbook.visit_count = len(printed)
        handbook.compiled_at = work.now
        handbook.save(update_fields=["pdf", "sha256", "visit_count", "compiled_at"])


def _anonymise_admin_log(work: _Work) -> None:
    """The admin's own history names the objects it changed (``object_repr``, e.g. the pupil's
    name); the audit trail keeps what was done, so the history loses the name."""
    for label, ids in sorted(work.targets.items()):
        content_type = ContentType.objects.get_for_model(django_apps.get_model(label))
        for batch in _chunks(sorted(ids)):
            entries = LogEntry.objects.filter(
                content_type=content_type, object_id__in=[str(i) for i in batch]
            ).exclude(object_repr=ANONYMISED)
            if work.run.dry_run:
                work.count(LogEntry, entries.count())
            else:
                work.count(LogEntry, entries.update(object_repr=ANONYMISED))


def _events_about(work: _Work) -> Iterator[models.QuerySet[AuditEvent]]:
    """The audit events about what the run anonymised: of its cases, or aimed at its records."""
    for batch in _chunks(work.run.case_ids):
        yield AuditEvent.objects.filter(case_id__in=batch)
    for label, ids in sorted(work.targets.items()):
        for batch in _chunks(sorted(ids)):
            yield AuditEvent.objects.filter(target_type=label, target_id__in=[str(i) for i in batch])


def _erase_events(work: _Work) -> None:
    """Erase the payload of the events about what was anonymised; count those that must stay."""
    erasable: set[int] = set()
    kept: set[int] = set()
    for events in _events_about(work):
        for pk, version, salt in events.values_list("pk", "hash_version", "payload_salt"):
            if version == 1:
                kept.add(pk)  # its hash covers its payload (docs/decisions/0004-audit-erasure.md)
            elif salt:
                erasable.add(pk)
    work.run.audit_events_kept = len(kept)
    if work.run.dry_run:
        work.run.audit_events_erased = len(erasable)
        return
    for batch in _chunks(sorted(erasable)):
        work.run.audit_events_erased += audit_erase(events=AuditEvent.objects.filter(pk__in=batch))


def _previous_access_log_cutoff() -> datetime.datetime | None:
    """The access-log cutoff of the last run: events before it were dealt with then."""
    detail = (
        AuditEvent.objects.filter(action=ACTION, erased_at__isnull=True)
        .order_by("-occurred_at", "-pk")
        .values_list("detail", flat=True)
        .first()
    )
    try:
        return datetime.datetime.fromisoformat(detail["access_log_cutoff"]) if detail else None
    except (KeyError, TypeError, ValueError):
        return None


def _erase_access_log(work: _Work) -> None:
    cutoff = work.run.access_log_cutoff
    actions = Q(action__in=ACCESS_LOG_ACTIONS)
    for prefix in ACCESS_LOG_PREFIXES:
        actions |= Q(action__startswith=prefix)
    events = AuditEvent.objects.filter(actions, occurred_at__lt=cutoff)
    previous = _previous_access_log_cutoff()
    if previous is not None:
        # Only the days since the last run's cutoff: older events were erased then (or are
        # version 1, which is never erased). A longer period than last time leaves nothing due.
        events = events.filter(occurred_at__gte=min(previous, cutoff))
    if work.run.dry_run:
        work.run.access_log_events_erased = audit_erasable(events).count()
        return
    work.run.access_log_events_erased = audit_erase(events=events)


def _delete_drafts(work: _Work) -> None:
    """Drafts nobody has touched for WANJIA_DRAFT_DAYS go whole: they are working copies."""
    if work.run.dry_run:
        work.count(Draft, drafts_due(work.now).count())
    else:
        work.count(Draft, draft_purge(now=work.now))


def _lock() -> None:
    """One run at a time: a second one (beat and a hand-run command) is refused, not queued."""
    if connection.vendor != "postgresql":
        return  # SQLite runs one writing transaction at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
        row = cursor.fetchone()
    if not row or not row[0]:
        raise Conflict(_("A retention run is already under way."), code="conflict")


def retention_apply(*, dry_run: bool = False) -> RetentionRun:
    """Apply the retention policy as of today (Asia/Shanghai); ``dry_run`` changes nothing and
    writes no event, but counts what a run would change."""
    policy = retention_policy()
    now = timezone.now()
    today = timezone.localdate(now)
    run = RetentionRun(
        dry_run=dry_run, today=today, policy=policy, access_log_cutoff=policy.access_log_cutoff(now)
    )
    work = _Work(run=run, now=now)
    with transaction.atomic():
        if not dry_run:
            _lock()
        run.case_ids = _due_cases(policy, today, lock=not dry_run)
        run.pupil_ids = _due_pupils(policy, today, lock=not dry_run)
        run.pupils_waiting = _pupils_off_the_roll(policy, today).filter(_case_not_due(policy, today)).count()
        _destroy_notes(work, policy, today)
        for batch in _chunks(_attachments_due(policy, today)):
            _anonymise(work, [(Attachment, Q(pk__in=batch))])
        for batch in _chunks(run.case_ids):
            _anonymise(work, _case_scope(batch))
        for batch in _chunks(run.pupil_ids):
            _anonymise(work, _pupil_scope(batch))
        _rebuild_handbooks(work)
        _anonymise_admin_log(work)
        _erase_events(work)
        _erase_access_log(work)
        _delete_drafts(work)
        if not dry_run:
            run.event = audit_record(
                action=ACTION,
                actor=None,
                detail={
                    "today": today.isoformat(),
                    "policy": policy.as_dict(),
                    "counts": run.counts(),
                    "pupils_waiting": run.pupils_waiting,
                    "access_log_cutoff": run.access_log_cutoff.isoformat(),
                    ERASED_COUNT_KEY: run.audit_events_erased + run.access_log_events_erased,
                },
            )
            files = list(work.files)
            transaction.on_commit(lambda: _delete_files(files))
    return run


def _delete_files(names: list[str]) -> None:
    for name in names:
        private_storage.delete(name)
