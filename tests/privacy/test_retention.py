"""The retention run through the real stack (docs/retention.md): a child's records in every app,
the child off the roll, three years on. Names gone from every table, counts and the ledger
unchanged, files gone from disk, notes destroyed, the audit chain still verifying; a second run
changes nothing; a dry run changes nothing at all."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from pypdf import PdfReader

from attachments.models import Attachment
from audit.chain import ERASED_DETAIL
from audit.models import AuditEvent
from casework.models import Case, CounsellingNote, HomeVisit, State
from casework.selectors import case_get_for_user
from config.celery import app
from core.errors import Conflict
from privacy.inventory import ANONYMISED
from privacy.services import ACTION, retention_apply
from privacy.tasks import apply_retention
from schools.models import AcademicYear, Guardian, Pupil
from sixones.models import Handbook
from support.models import LedgerEntry, SchoolFund
from tests.audit.test_events_admin import form_data
from tests.builders import transition
from tests.factories import UserFactory
from tests.privacy.helpers import GUARDIAN, NEEDLES, PUPIL, a_childs_records, snapshot, where_found

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]

LATER = datetime.timedelta(days=3 * 366 + 2)  # past three years, leap days included


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out, verbosity=0)
    return out.getvalue()


def apply(*args: str) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def leave_the_roll_in_the_admin(pupil: Pupil) -> None:
    """As the school's administrator does: untick "on roll" on the pupil's admin page."""
    root = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    url = f"/admin/schools/pupil/{pupil.pk}/change/"
    data = form_data(client.get(url))
    data.pop("is_active", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors


def report_exports(client: Client, year: str) -> tuple[str, str]:
    school = client.get(f"/reports/schools/A/export.csv?year={year}")
    city = client.get(f"/reports/city/export.csv?bureau=city&year={year}")
    assert school.status_code == city.status_code == 200
    return school.content.decode(), city.content.decode()


def ledger(world) -> tuple[Decimal, Decimal]:
    """The fund's balance, and the balance the entries add up to."""
    entries = LedgerEntry.objects.filter(school=world.school).select_related("reverses")
    return (
        SchoolFund.objects.get(school=world.school).balance,
        sum((entry.money_effect for entry in entries), Decimal("0.00")),
    )


def test_a_child_off_the_roll_for_three_years_is_anonymised_everywhere(
    world, django_capture_on_commit_callbacks
):
    records = a_childs_records(world)
    year = AcademicYear.name_for(timezone.localdate())  # the academic year of the work, e.g. 2026-2027
    leave_the_roll_in_the_admin(records.pupil)
    pupil = Pupil.objects.get(pk=records.pupil.pk)
    assert pupil.left_roll_on == timezone.localdate()
    stored = [Path(settings.WANJIA_PRIVATE_MEDIA_ROOT) / a.file.name for a in records.attachments]
    assert all(path.exists() for path in stored)
    before = where_found()
    assert len(before[PUPIL]) >= 15, before  # the child is named all over the database
    with time_machine.travel(timezone.now() + LATER, tick=False):
        leader = Client()
        leader.force_login(world.inspector)
        reports_before = report_exports(leader, year)
        ledger_before = ledger(world)
        events_before = AuditEvent.objects.count()

        # A dry run says what would happen and changes nothing, not even the audit trail.
        columns = snapshot()
        out = apply("--dry-run")
        assert "pupils anonymised: 1" in out and "cases anonymised: 2" in out
        assert f"pupil ids that would be anonymised: [{pupil.pk}]" in out
        assert PUPIL not in out
        assert snapshot() == columns
        assert AuditEvent.objects.count() == events_before
        assert all(path.exists() for path in stored)

        with django_capture_on_commit_callbacks(execute=True):
            out = apply()
        assert "pupils anonymised: 1" in out and "cases anonymised: 2" in out, out

        # Gone from every text column of every table, the audit trail and the admin's history included.
        assert where_found() == {needle: [] for needle in NEEDLES}
        # The files are gone from the disk, their rows (type, size) stay for counts.
        assert not any(path.exists() for path in stored)
        for attachment in Attachment.objects.filter(pk__in=[a.pk for a in records.attachments]):
            assert attachment.erased_at is not None and attachment.file.name == ""
            assert attachment.original_name == ANONYMISED and attachment.size > 0
        # The confidential notes are destroyed: nothing left to decrypt.
        notes = CounsellingNote.objects.filter(case=records.psych)
        assert notes.count() == 2  # the note and the counselling session's note, rows kept
        assert all(bytes(n.ciphertext) == b"" and n.destroyed_at for n in notes)
        # The handbook was compiled again from the anonymised records.
        handbook = Handbook.objects.get(pk=records.handbook.pk)
        assert handbook.sha256 != records.handbook.sha256
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(handbook.pdf))).pages)
        assert PUPIL not in text and ANONYMISED in text
        # Counts for reports stay: identical reports, the ledger still balances to the cent.
        assert report_exports(leader, year) == reports_before
        assert ledger(world) == ledger_before
        assert ledger_before[0] == ledger_before[1]

        # What is kept: states, categories, dates, the visit's stage, the pupil's class and markers.
        pupil = Pupil.objects.get(pk=pupil.pk)
        assert (pupil.name, pupil.student_number) == (ANONYMISED, f"ANON-{pupil.pk}")
        assert (pupil.birth_date, pupil.home_address, pupil.notes) == (None, "", "")
        assert pupil.anonymised_at is not None and pupil.classroom_id == world.classroom.pk
        assert pupil.left_behind  # the special groups stay: counted in reports
        assert Guardian.objects.get(pupil=pupil).phone == ""
        case = Case.objects.get(pk=records.case.pk)
        assert (case.state, case.closure_outcome, case.summary) == (State.CLOSED, "improved", ANONYMISED)
        assert case.category_codes == ["academic"]
        general = HomeVisit.objects.get(pk=records.general_visit.pk)
        assert general.visited_at == records.general_visit.visited_at
        assert general.family_situation == ANONYMISED and general.reflection == ""

        # The audit trail still verifies; the events about the child hold no detail any more.
        assert "audit events verified" in verify()
        about = AuditEvent.objects.filter(case_id=records.case.pk)
        assert about.exists() and all(e.detail == ERASED_DETAIL and e.ip is None for e in about)
        assert AuditEvent.objects.get(
            target_type="schools.pupil", target_id=str(pupil.pk), action="admin.change"
        ).erased_at
        event = AuditEvent.objects.get(action=ACTION)
        counts = event.detail["counts"]
        assert counts["pupils"] == 1 and counts["cases"] == 2
        assert counts["notes_destroyed"] == 2 and counts["attachment_files_deleted"] == 2
        assert counts["handbooks_rebuilt"] == 1 and counts["audit_events_erased"] > 20
        assert counts["audit_events_kept"] == 0
        assert counts["rows"]["schools.Guardian"] == 1 and counts["rows"]["admin.LogEntry"] >= 1
        assert event.actor_id is None and event.school_id is None

        # A second run finds nothing to do, and says so in its own event.
        with django_capture_on_commit_callbacks(execute=True):
            again = retention_apply()
        assert again.changes == 0
        assert again.counts() | {"rows": {}} == {
            "pupils": 0,
            "cases": 0,
            "rows": {},
            "notes_destroyed": 0,
            "attachment_files_deleted": 0,
            "handbooks_rebuilt": 0,
            "audit_events_erased": 0,
            "audit_events_kept": 0,
            "access_log_events_erased": 0,
        }
        assert again.rows == {}
        assert AuditEvent.objects.filter(action=ACTION).count() == 2
        assert again.event is not None and again.event.detail["counts"]["pupils"] == 0
        assert "audit events verified" in verify()
        # An anonymised case cannot be reopened.
        with translation.override("en"), pytest.raises(Conflict, match="anonymised"):
            transition(case, "reopen", by=world.principal, comment="再看看")


def test_a_pupil_still_on_the_roll_keeps_their_name_and_loses_the_old_case(
    world, django_capture_on_commit_callbacks
):
    records = a_childs_records(world)
    pupil = records.pupil
    with time_machine.travel(timezone.now() + LATER, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run = retention_apply()
        assert run.pupil_ids == [] and sorted(run.case_ids) == sorted([records.case.pk, records.psych.pk])
        pupil.refresh_from_db()
        assert pupil.name == PUPIL and pupil.anonymised_at is None
        case = Case.objects.get(pk=records.case.pk)
        assert case.summary == ANONYMISED and case.anonymised_at is not None
        assert HomeVisit.objects.get(case=case).family_situation == ANONYMISED
        # What belongs to the pupil, not to a case, stays: the general visit, the archive, the guardian.
        assert HomeVisit.objects.get(pk=records.general_visit.pk).family_situation.startswith(PUPIL)
        assert Guardian.objects.get(pupil=pupil).name == GUARDIAN
        assert not Attachment.objects.get(pk=records.attachments[1].pk).erased_at
        assert Attachment.objects.get(pk=records.attachments[0].pk).erased_at
        # The case's events are erased, the pupil's own are not (but for views, past the access
        # log's period).
        assert all(e.erased_at for e in AuditEvent.objects.filter(case_id=case.pk))
        archived = AuditEvent.objects.get(action="care.archive_create")
        assert archived.detail["pupil_id"] == pupil.pk and archived.erased_at is None
        assert AuditEvent.objects.get(action="pupil.viewed", target_id=str(pupil.pk)).erased_at
        assert "audit events verified" in verify()
        # The case still shows in the pupil's lists; its page shows the marker.
        assert case_get_for_user(user=world.principal, case_id=case.pk).summary == ANONYMISED


def test_nothing_is_due_before_the_period_ends(world):
    records = a_childs_records(world)
    leave_the_roll_in_the_admin(records.pupil)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=365 * 2), tick=False):
        run = retention_apply()
    assert (run.pupil_ids, run.case_ids, run.rows, run.notes_destroyed) == ([], [], {}, 0)
    # Only the access log is past its period: the views, logins and exports lose their detail.
    assert run.changes == run.access_log_events_erased > 0
    assert Pupil.objects.get(pk=records.pupil.pk).name == PUPIL


def test_a_pupil_off_the_roll_waits_for_a_case_closed_later(world):
    """Off the roll for three years, but a case closed only a year ago: the pupil waits."""
    records = a_childs_records(world)
    leave_the_roll_in_the_admin(records.pupil)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2 * 366), tick=False):
        transition(Case.objects.get(pk=records.psych.pk), "reopen", by=world.principal, comment="回访")
        case = Case.objects.get(pk=records.psych.pk)
        assert case.state == State.PLANNING
    with time_machine.travel(timezone.now() + LATER, tick=False):
        run = retention_apply()
        assert run.pupil_ids == [] and run.case_ids == [records.case.pk]
        assert run.pupils_waiting == 1
        assert Pupil.objects.get(pk=records.pupil.pk).name == PUPIL
        assert AuditEvent.objects.get(action=ACTION).detail["pupils_waiting"] == 1


def test_the_celery_task_runs_the_same_service(world):
    app.loader.import_default_modules()
    assert "privacy.tasks.apply_retention" in app.tasks
    entry = app.conf.beat_schedule["apply-retention"]
    assert entry["task"] == "privacy.tasks.apply_retention"
    assert isinstance(entry["schedule"], crontab)
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})
    records = a_childs_records(world)
    leave_the_roll_in_the_admin(records.pupil)
    with time_machine.travel(timezone.now() + LATER, tick=False):
        result = apply_retention.apply().get()
    assert result["pupils"] == 1 and result["cases"] == 2
    assert result["today"] == (timezone.localdate() + LATER).isoformat()
    assert Pupil.objects.get(pk=records.pupil.pk).name == ANONYMISED
    event = AuditEvent.objects.get(action=ACTION)
    assert event.detail["counts"] == {k: v for k, v in result.items() if k != "today"}


def test_a_second_run_at_the_same_time_is_refused(world):
    """Beat and a hand-run command at once: the second waits for nothing, it is refused."""
    import psycopg

    from privacy.services import LOCK_KEY

    dsn = settings.DATABASES["default"]
    with psycopg.connect(
        host=dsn["HOST"] or "127.0.0.1",
        port=dsn["PORT"] or 5432,
        user=dsn["USER"],
        dbname=dsn["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        with translation.override("en"), pytest.raises(Conflict, match="already under way"):
            retention_apply()
        other.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    assert retention_apply().event is not None


def test_logins_and_views_lose_their_address_after_the_access_log_period(world):
    client = Client(REMOTE_ADDR="10.7.7.7", HTTP_USER_AGENT="Mozilla/5.0 微信")
    assert client.post("/accounts/login/", {"username": "owner", "password": "pw"}).status_code == 302
    login = AuditEvent.objects.get(action="auth.login")
    assert login.ip == "10.7.7.7"
    with time_machine.travel(timezone.now() + datetime.timedelta(days=200), tick=False):
        assert retention_apply().access_log_events_erased == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=366), tick=False):
        run = retention_apply()
        assert run.access_log_events_erased == 1
        login.refresh_from_db()
        assert (login.ip, login.user_agent, login.detail) == (None, "", ERASED_DETAIL)
        assert login.actor_id == world.owner.pk and login.action == "auth.login"  # who and when stay
        # The next run looks only at the days since this one's cutoff.
        assert retention_apply().access_log_events_erased == 0
        assert "audit events verified" in verify()
    # The runs' own events are never erased: they account for every erasure.
    assert not AuditEvent.objects.filter(action=ACTION, erased_at__isnull=False).exists()


def test_admin_history_names_are_replaced(world, django_capture_on_commit_callbacks):
    records = a_childs_records(world)
    leave_the_roll_in_the_admin(records.pupil)
    entry = LogEntry.objects.get(object_id=str(records.pupil.pk), content_type__model="pupil")
    assert PUPIL in entry.object_repr
    with time_machine.travel(timezone.now() + LATER, tick=False):
        retention_apply()
    entry.refresh_from_db()
    assert entry.object_repr == ANONYMISED
