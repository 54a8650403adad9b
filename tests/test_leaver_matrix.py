"""Someone who has left a school sees nothing of it, through any URL of the project.

The demo gives school A a record of every kind, many of them the work of teacher_a1 (李红梅):
cases, plans, visits, notes, attachments, tutoring, an archive, an essay, a handbook, an act of
help, an opinion, a notice that names her, her tasks and reminders, a guardian's consent she
recorded; and some of her colleagues' (an emergency access to her case's notes, a correction of
the ledger waiting for approval, a colleague's API token). She also starts work at
school B (so she is still signed in), then leaves school A through ``staff_leave``. Before she
leaves, every page and endpoint about her records of school A answers 200; after, the test walks
EVERY URL pattern of the project (``config.urls``, pages and API), fills the ids in with her
records of school A, and sends a GET and a POST as her:

- a URL about one record of school A (``OBJECT``) answers 404 (405 when the method is not
  offered at all);
- any other URL (lists, forms, her own pages, the bureau's calendar: ``LIST`` and ``SHARED``)
  may answer 200, 403, 404, a redirect or a 400 for an empty form, but never a 5xx;
- no answer, whatever its status, carries school A's data: its pupils' names, links to its
  records, its ids in JSON, its case numbers in a spreadsheet;
- the POSTs, some aimed at school A on purpose (``AIMED``), change nothing in the database (an
  md5 of every table before and after).

A parametrised pattern must be classified below, so a new endpoint makes this test fail until
someone says what it shows; a pattern without parameters is walked as a list automatically.
Patterns that are public or only the person's own are in ``ALLOWED``, each with its reason.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import ApiToken, User
from attachments.services import attachment_upload
from audit.models import AuditEvent
from care.models import SpecialGroupArchive
from casework.models import BreakGlassAccess, Case, HomeVisit, State, VisitPlan
from casework.services.breakglass import break_glass_open
from consents.models import Consent, Purpose
from drafts.services import draft_save
from evidence.sections import case_number
from inspections.models import Finding, Inspection, Notice, Rectification
from opinions.models import ParentOpinion
from schools.models import Campaign, CampaignPhase, Membership, Pupil, School
from sixones.models import ActOfHelp, Handbook, ParentsMeeting, VisitEssay
from support.models import DisbursementRequest, LedgerEntry, ReversalRequest
from support.services import reversal_request
from tests.api.helpers import api_client
from tests.attachments import samples
from tests.builders import give_consent
from tests.factories import MembershipFactory
from workflows.models import CaseTask, Notification
from workflows.reminders import reminders_send
from workflows.staff import staff_leave

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]

OBJECT, SHARED = "object", "shared"


@dataclass
class Records:
    """School A's records the leaver was tied to, and school A itself."""

    leaver: User
    colleague: User
    school: School
    case: Case  # closed, owned by her: still hers after the handover, so only her membership hides it
    case_visit: HomeVisit  # its recorded visit
    visit: HomeVisit  # a recorded visit without a case she took part in (she stays a participant)
    pupil: Pupil  # the case's pupil (her class)
    archive_pupil: Pupil  # a pupil of her class with a special-group archive
    task: CaseTask  # a task she held
    notification: Notification  # a reminder she got about it
    attachment_id: int  # a photo she attached to ``visit``
    essay: VisitEssay
    meeting: ParentsMeeting
    act: ActOfHelp
    handbook: Handbook
    opinion: ParentOpinion  # one she recorded
    notice: Notice  # one that names her
    inspection: Inspection
    finding: Finding
    rectification: Rectification
    visit_plan: VisitPlan
    ledger_entry: LedgerEntry
    disbursement: DisbursementRequest
    campaign: Campaign
    phase: CampaignPhase
    consent: Consent  # one she recorded for the pupil (her class)
    break_glass: BreakGlassAccess  # the principal's emergency access to the case's notes
    reversal: ReversalRequest  # the custodian's correction of an entry, waiting for approval
    token_id: int  # a colleague's API token (a person's own, never another's)


Fill = Callable[[Records], dict[str, Any]]

# Every parametrised pattern, by URL name: (kind, its parameters). OBJECT: a record of school A
# (404 expected); SHARED: the bureau's own or the person's own (no school A data expected).
PATTERNS: dict[str, tuple[str, Fill]] = {
    "portal:pupil_detail": (OBJECT, lambda r: {"pk": r.pupil.pk}),
    "schools:roster_template": (SHARED, lambda r: {"kind": "pupils", "extension": "xlsx"}),
    "schools:campaign_phase_edit": (SHARED, lambda r: {"pk": r.phase.pk}),
    "casework:case_detail": (OBJECT, lambda r: {"pk": r.case.pk}),
    "casework:case_transition": (OBJECT, lambda r: {"pk": r.case.pk, "name": "reopen"}),
    "casework:plan_create": (OBJECT, lambda r: {"pk": r.case.pk}),
    "casework:plan_approval": (OBJECT, lambda r: {"pk": r.case.pk}),
    "casework:visit_schedule": (OBJECT, lambda r: {"pk": r.case.pk}),
    "casework:visit_record": (OBJECT, lambda r: {"pk": r.case.pk, "visit_id": r.case_visit.pk}),
    "casework:case_notes": (OBJECT, lambda r: {"pk": r.case.pk}),
    "casework:counsellor_grant": (OBJECT, lambda r: {"pk": r.case.pk}),
    "casework:counsellor_revoke": (OBJECT, lambda r: {"pk": r.case.pk}),
    "visits:visit_detail": (OBJECT, lambda r: {"pk": r.visit.pk}),
    "visits:visit_appointment": (OBJECT, lambda r: {"pk": r.visit.pk}),
    "visits:visit_record": (OBJECT, lambda r: {"pk": r.visit.pk}),
    "visits:visit_gift_report": (OBJECT, lambda r: {"pk": r.visit.pk}),
    "visits:visit_follow_up": (OBJECT, lambda r: {"pk": r.visit.pk}),
    "visits:visit_open_case": (OBJECT, lambda r: {"pk": r.visit.pk}),
    "visits:plan_detail": (OBJECT, lambda r: {"pk": r.visit_plan.pk}),
    "inspections:inspection_detail": (OBJECT, lambda r: {"pk": r.inspection.pk}),
    "inspections:inspection_edit": (OBJECT, lambda r: {"pk": r.inspection.pk}),
    "inspections:finding_add": (OBJECT, lambda r: {"pk": r.inspection.pk}),
    "inspections:inspection_submit": (OBJECT, lambda r: {"pk": r.inspection.pk}),
    "inspections:rectification_open": (
        OBJECT,
        lambda r: {"pk": r.inspection.pk, "finding_id": r.finding.pk},
    ),
    "inspections:rectification_detail": (OBJECT, lambda r: {"pk": r.rectification.pk}),
    "inspections:rectification_answer": (OBJECT, lambda r: {"pk": r.rectification.pk}),
    "inspections:rectification_return": (OBJECT, lambda r: {"pk": r.rectification.pk}),
    "inspections:rectification_close": (OBJECT, lambda r: {"pk": r.rectification.pk}),
    "inspections:notice_detail": (OBJECT, lambda r: {"pk": r.notice.pk}),
    "inspections:notice_withdraw": (OBJECT, lambda r: {"pk": r.notice.pk}),
    "opinions:opinion_detail": (OBJECT, lambda r: {"pk": r.opinion.pk}),
    "opinions:opinion_step": (OBJECT, lambda r: {"pk": r.opinion.pk, "step": "study"}),
    "reports:school": (OBJECT, lambda r: {"code": r.school.code}),
    "reports:school_export": (OBJECT, lambda r: {"code": r.school.code}),
    "audit:case_timeline": (OBJECT, lambda r: {"pk": r.case.pk}),
    "audit:pupil_access_log": (OBJECT, lambda r: {"pk": r.pupil.pk}),
    "support:ledger": (OBJECT, lambda r: {"school_id": r.school.pk}),
    "support:stock": (OBJECT, lambda r: {"school_id": r.school.pk}),
    "support:donation_new": (OBJECT, lambda r: {"school_id": r.school.pk}),
    "support:disbursement_new": (OBJECT, lambda r: {"school_id": r.school.pk}),
    "support:disbursement_approve": (
        OBJECT,
        lambda r: {"school_id": r.school.pk, "request_id": r.disbursement.pk},
    ),
    "support:disbursement_reject": (
        OBJECT,
        lambda r: {"school_id": r.school.pk, "request_id": r.disbursement.pk},
    ),
    "support:entry_reverse": (OBJECT, lambda r: {"school_id": r.school.pk, "entry_id": r.ledger_entry.pk}),
    "support:report": (OBJECT, lambda r: {"school_id": r.school.pk}),
    "attachments:case_upload": (OBJECT, lambda r: {"case_id": r.case.pk}),
    "attachments:visit_upload": (OBJECT, lambda r: {"visit_id": r.visit.pk}),
    "attachments:download": (OBJECT, lambda r: {"pk": r.attachment_id}),
    "attachments:remove": (OBJECT, lambda r: {"pk": r.attachment_id}),
    "care:tutoring_list": (OBJECT, lambda r: {"pk": r.case.pk}),
    "care:tutoring_create": (OBJECT, lambda r: {"pk": r.case.pk}),
    "care:counselling_list": (OBJECT, lambda r: {"pk": r.case.pk}),
    "care:counselling_create": (OBJECT, lambda r: {"pk": r.case.pk}),
    "care:archive_detail": (OBJECT, lambda r: {"pk": r.archive_pupil.pk}),
    "care:archive_edit": (OBJECT, lambda r: {"pk": r.archive_pupil.pk}),
    "care:archive_entry_edit": (OBJECT, lambda r: {"pk": r.archive_pupil.pk}),
    "sixones:essay_detail": (OBJECT, lambda r: {"pk": r.essay.pk}),
    "sixones:essay_exemplary": (OBJECT, lambda r: {"pk": r.essay.pk}),
    "sixones:meeting_detail": (OBJECT, lambda r: {"pk": r.meeting.pk}),
    "sixones:act_detail": (OBJECT, lambda r: {"pk": r.act.pk}),
    "sixones:handbook_pdf": (OBJECT, lambda r: {"pk": r.handbook.pk}),
    "sixones:school": (OBJECT, lambda r: {"code": r.school.code}),
    "evidence:school_staff": (OBJECT, lambda r: {"pk": r.school.pk}),
    "evidence:teacher_export": (SHARED, lambda r: {"pk": r.leaver.pk, "fmt": "xlsx"}),  # her own file
    "evidence:pupil_export": (OBJECT, lambda r: {"pk": r.pupil.pk, "fmt": "xlsx"}),
    "workflows:notification_read": (OBJECT, lambda r: {"pk": r.notification.pk}),
    "workflows:notification_open": (OBJECT, lambda r: {"pk": r.notification.pk}),
    "api-notification-read": (OBJECT, lambda r: {"notification_id": r.notification.pk}),
    "workflows:staff_leave": (OBJECT, lambda r: {"school_id": r.school.pk, "user_id": r.colleague.pk}),
    "workflows:task_detail": (OBJECT, lambda r: {"pk": r.task.pk}),
    "workflows:task_claim": (OBJECT, lambda r: {"pk": r.task.pk}),
    "workflows:task_complete": (OBJECT, lambda r: {"pk": r.task.pk, "name": "draft_plan"}),
    "api-pupil-detail": (OBJECT, lambda r: {"pupil_id": r.pupil.pk}),
    "api-campaign-detail": (SHARED, lambda r: {"campaign_id": r.campaign.pk}),
    "api-campaign-phase": (SHARED, lambda r: {"campaign_id": r.campaign.pk, "phase_id": r.phase.pk}),
    "api-case-detail": (OBJECT, lambda r: {"case_id": r.case.pk}),
    "api-case-transition": (OBJECT, lambda r: {"case_id": r.case.pk, "name": "reopen"}),
    "api-plan-list": (OBJECT, lambda r: {"case_id": r.case.pk}),
    "api-visit-list": (OBJECT, lambda r: {"case_id": r.case.pk}),
    "api-visit-detail": (OBJECT, lambda r: {"case_id": r.case.pk, "visit_id": r.case_visit.pk}),
    "api-note-list": (OBJECT, lambda r: {"case_id": r.case.pk}),
    "api-visit": (OBJECT, lambda r: {"visit_id": r.visit.pk}),
    "api-visit-appointment": (OBJECT, lambda r: {"visit_id": r.visit.pk}),
    "api-visit-record": (OBJECT, lambda r: {"visit_id": r.visit.pk}),
    "api-visit-follow-up": (OBJECT, lambda r: {"visit_id": r.visit.pk}),
    "api-visit-open-case": (OBJECT, lambda r: {"visit_id": r.visit.pk}),
    "api-visit-gift-reports": (OBJECT, lambda r: {"visit_id": r.visit.pk}),
    "api-visit-plan": (OBJECT, lambda r: {"plan_id": r.visit_plan.pk}),
    "api-visit-plan-assign": (OBJECT, lambda r: {"plan_id": r.visit_plan.pk}),
    "api-inspection-detail": (OBJECT, lambda r: {"inspection_id": r.inspection.pk}),
    "api-rectification-answer": (OBJECT, lambda r: {"rectification_id": r.rectification.pk}),
    "api-visit-opinion": (OBJECT, lambda r: {"visit_id": r.visit.pk}),
    "api-opinion-transition": (OBJECT, lambda r: {"opinion_id": r.opinion.pk, "name": "study"}),
    "api-task-claim": (OBJECT, lambda r: {"task_id": r.task.pk}),
    "api-task-complete": (OBJECT, lambda r: {"task_id": r.task.pk}),
    "api-staff-leave": (OBJECT, lambda r: {"user_id": r.colleague.pk}),
    "api-case-attachment-list": (OBJECT, lambda r: {"case_id": r.case.pk}),
    "api-visit-attachment-list": (OBJECT, lambda r: {"visit_id": r.visit.pk}),
    "api-attachment-detail": (OBJECT, lambda r: {"attachment_id": r.attachment_id}),
    "api-attachment-download": (OBJECT, lambda r: {"attachment_id": r.attachment_id}),
    "api-tutoring-session-list": (OBJECT, lambda r: {"case_id": r.case.pk}),
    "api-counselling-session-list": (OBJECT, lambda r: {"case_id": r.case.pk}),
    "api-pupil-archive": (OBJECT, lambda r: {"pupil_id": r.archive_pupil.pk}),
    "api-pupil-archive-entry": (
        OBJECT,
        lambda r: {"pupil_id": r.archive_pupil.pk, "year": timezone.localdate().year},
    ),
    "api-sixones-essay-exemplary": (OBJECT, lambda r: {"essay_id": r.essay.pk}),
    "api-evidence-teacher": (SHARED, lambda r: {"teacher_id": r.leaver.pk}),  # her own file
    "api-evidence-pupil": (OBJECT, lambda r: {"pupil_id": r.pupil.pk}),
    # Two-factor sign-in: a colleague's second factor, reset by the school's leaders.
    "mfa:reset": (OBJECT, lambda r: {"user_id": r.colleague.pk}),
    "api-staff-mfa-reset": (OBJECT, lambda r: {"user_id": r.colleague.pk}),
    # API tokens are a person's own: a colleague's is another's.
    "accounts:token_revoke": (OBJECT, lambda r: {"token_id": r.token_id}),
    "api-token-detail": (OBJECT, lambda r: {"token_id": r.token_id}),
    # School A's staff.
    "schools:staff_list": (OBJECT, lambda r: {"school_id": r.school.pk}),
    "schools:staff_add": (OBJECT, lambda r: {"school_id": r.school.pk}),
    "schools:staff_invite": (OBJECT, lambda r: {"school_id": r.school.pk, "user_id": r.colleague.pk}),
    "api-staff-list": (OBJECT, lambda r: {"school_id": r.school.pk}),
    "api-staff-invitation": (OBJECT, lambda r: {"school_id": r.school.pk, "user_id": r.colleague.pk}),
    # Break-glass.
    "casework:break_glass_open": (OBJECT, lambda r: {"pk": r.case.pk}),
    "casework:break_glass_review": (OBJECT, lambda r: {"access_id": r.break_glass.pk}),
    "api-note-break-glass": (OBJECT, lambda r: {"case_id": r.case.pk}),
    "api-break-glass-review": (OBJECT, lambda r: {"access_id": r.break_glass.pk}),
    # Corrections of the ledger.
    "support:reversal_approve": (OBJECT, lambda r: {"school_id": r.school.pk, "request_id": r.reversal.pk}),
    "support:reversal_reject": (OBJECT, lambda r: {"school_id": r.school.pk, "request_id": r.reversal.pk}),
    # Guardians' consents and the scans of their forms.
    "consents:pupil_consents": (OBJECT, lambda r: {"pk": r.pupil.pk}),
    "consents:consent_record": (OBJECT, lambda r: {"pk": r.pupil.pk}),
    "consents:consent_withdraw": (OBJECT, lambda r: {"pk": r.consent.pk}),
    "attachments:consent_upload": (OBJECT, lambda r: {"consent_id": r.consent.pk}),
    # Her own draft of a visit record of school A: deleted when she leaves (workflows.staff).
    "drafts:draft": (SHARED, lambda r: {"key": f"visit-record-{r.visit.pk}"}),
    "api-pupil-consents": (OBJECT, lambda r: {"pupil_id": r.pupil.pk}),
    "api-consent-withdraw": (OBJECT, lambda r: {"consent_id": r.consent.pk}),
    "api-consent-attachment-list": (OBJECT, lambda r: {"consent_id": r.consent.pk}),
    # A guardian's request for everything held on the pupil.
    "evidence:pupil_subject_export": (OBJECT, lambda r: {"pk": r.pupil.pk, "fmt": "json"}),
    "api-pupil-subject-export": (OBJECT, lambda r: {"pupil_id": r.pupil.pk}),
}

# Not walked: public, or the person's own session, with the reason.
ALLOWED = {
    "accounts:login": "public: the login form",
    "accounts:logout": "her own session",
    "set_language": "public: the language switch (a cookie)",
    "api-token": "public: the API login",
    "api-schema": "public: the API's description, no data",
    "api-docs": "public: the API's documentation page, no data",
    "accounts:join": "public: joining by an invitation, whose token is the credential",
    "accounts:password_reset_confirm": "public: a password reset link, whose token is the credential",
    # Her own channels (e-mail, digest, a robot's address): nothing of any school; saving them
    # writes her own preference row, which the walk's unchanged-database check would not allow.
    "workflows:notification_settings": "her own notification settings",
    "api-notification-preferences": "her own notification settings",
}
# The admin site: AdminSite.admin_view sends anyone without is_staff to the admin's login page,
# whatever the URL; the leaver is no staff user (asserted), and two of its URLs are tried.
ADMIN_PREFIX = "/admin/"

# Before she leaves, every OBJECT page answers 200 to her, except these, which her role as a
# teacher never opened (the reason); the test fails if one of the others did not answer 200.
NOT_HERS_BEFORE = {
    "visits:plan_detail": "visit plans are the planners' pages",
    "inspections:inspection_detail": "inspections are for the leaders and the inspectors",
    "inspections:inspection_edit": "inspectors only",
    "inspections:rectification_detail": "rectifications are for the leaders and the inspectors",
    "casework:plan_approval": "plans are approved by the school's principal or vice principals",
    "reports:school": "the school report is for its leaders",
    "reports:school_export": "the school report is for its leaders",
    "audit:case_timeline": "the audit trail is for leaders and inspectors",
    "audit:pupil_access_log": "the audit trail is for leaders and inspectors",
    "support:ledger": "the ledger is for the custodian and the leaders",
    "support:stock": "the ledger is for the custodian and the leaders",
    "support:donation_new": "the custodian's",
    "support:disbursement_new": "the custodian's",
    "support:report": "the ledger is for the custodian and the leaders",
    "support:entry_reverse": "the custodian's",
    "care:counselling_create": "counsellors only",
    "sixones:school": "completion is for the school's leaders",
    "evidence:school_staff": "the school's staff list is for its leaders",
    "workflows:staff_leave": "leavings are recorded by the school's leaders",
    "casework:case_notes": "confidential notes are the counsellors'",
    "api-note-list": "confidential notes are the counsellors'",
    "api-inspection-detail": "inspections are for the leaders and the inspectors",
    "api-visit-plan-assign": "POST only (the planners')",
    "care:archive_edit": "a teacher's archive form is for the class teacher (hers: answered below)",
    "mfa:reset": "second factors are reset by the school's principal or vice principals",
    "accounts:token_revoke": "a colleague's token is never hers (POST only)",
    "api-token-detail": "a colleague's token is never hers (DELETE only)",
    "schools:staff_list": "the staff pages are for the school's leaders and administrators",
    "schools:staff_add": "the staff pages are for the school's leaders and administrators",
    "api-staff-list": "the staff pages are for the school's leaders and administrators",
    "casework:break_glass_open": "emergency access is for the school's leaders and the inspectors",
    "evidence:pupil_subject_export": "the subject export is for the school's principal",
    "api-pupil-subject-export": "the subject export is for the school's principal",
}

REASON = "家长来电称孩子有危险，需立即查看辅导记录"  # an emergency's reason (20 characters or more)

# POST bodies aimed at school A for endpoints that create something (the rest get an empty one,
# which a record's endpoint refuses with 404 before it reads the body).
AIMED: dict[str, Callable[[Records], dict[str, Any]]] = {
    "api-case-list": lambda r: {"pupil": r.pupil.pk, "categories": ["academic"], "summary": "x"},
    "api-visits": lambda r: {"pupil": r.pupil.pk, "kind": "general", "participants": []},
    "api-visit-plans": lambda r: {"school": r.school.pk, "title": "x", "grouping": "class"},
    "api-opinion-list": lambda r: {"school": r.school.pk, "channel": "phone", "content": "x"},
    "api-sixones-essays": lambda r: {"school": r.school.pk, "title": "x", "body": "x"},
    "api-sixones-meetings": lambda r: {"school": r.school.pk, "topic": "x", "attendee_count": 3},
    "api-sixones-acts": lambda r: {"pupil": r.pupil.pk, "what": "x"},
    "casework:case_open": lambda r: {"categories": ["academic"], "summary": "x"},
    "visits:visit_create": lambda r: {"pupil": r.pupil.pk, "kind": "general"},
    "visits:plan_create": lambda r: {"school": r.school.pk, "title": "x"},
    "opinions:opinion_receive": lambda r: {"school": r.school.pk, "content": "x"},
    "opinions:opinion_raise": lambda r: {"pupil": r.pupil.pk, "content": "x"},
    "sixones:essay_create": lambda r: {"school": r.school.pk, "title": "x", "body": "x"},
    "sixones:meeting_create": lambda r: {"school": r.school.pk, "topic": "x"},
    "sixones:act_create": lambda r: {"pupil": r.pupil.pk, "what": "x"},
    "sixones:handbook_compile": lambda r: {"school": r.school.pk},
    "schools:roster_upload": lambda r: {"school": r.school.pk},
    "schools:staff_add": lambda r: {"full_name": "x", "phone": "13900000000", "roles": ["teacher"]},
    "api-staff-list": lambda r: {"full_name": "x", "phone": "13900000000", "roles": ["teacher"]},
    "casework:break_glass_open": lambda r: {"reason": REASON},
    "api-note-break-glass": lambda r: {"reason": REASON},
    "casework:break_glass_review": lambda r: {"comment": "x"},
    "api-break-glass-review": lambda r: {"comment": "x"},
    "consents:consent_record": lambda r: {"purpose": "counselling", "decision": "yes", "guardian_name": "x"},
    "api-pupil-consents": lambda r: {"purpose": "counselling", "granted": True, "guardian_name": "x"},
    "consents:consent_withdraw": lambda r: {"reason": "x"},
    "api-consent-withdraw": lambda r: {"reason": "x"},
    "support:reversal_reject": lambda r: {"note": "x"},
    # Reads its body before its record (a 400 for an empty one): a valid body.
    "api-staff-mfa-reset": lambda r: {"school": r.school.pk},
    # These three read their body before their record (a 400 for an empty one): a valid body.
    "api-staff-leave": lambda r: {"school": r.school.pk, "handover_to": r.colleague.pk},
    "api-visit-opinion": lambda r: {"about": "school", "text": "x"},
    "api-counselling-session-list": lambda r: {
        "held_on": timezone.localdate().isoformat(),
        "attendance": "attended",
        "content": "x",
    },
}
# Query strings aimed at school A (a form that takes its record from the URL).
QUERY: dict[str, Callable[[Records], str]] = {
    "casework:case_open": lambda r: f"?pupil={r.pupil.pk}",
    "opinions:opinion_raise": lambda r: f"?pupil={r.pupil.pk}",
    "api-case-list": lambda r: f"?school={r.school.pk}",
    "api-visits": lambda r: f"?school={r.school.pk}",
    "api-pupil-list": lambda r: f"?school={r.school.pk}",
    "casework:case_list": lambda r: f"?school={r.school.pk}",
    "schools:pupil_list": lambda r: f"?school={r.school.pk}",
    "sixones:my": lambda r: f"?year={r.campaign.year}",
    "mfa:staff": lambda r: f"?school={r.school.pk}",
    "mfa:reset": lambda r: f"?school={r.school.pk}",
}


# --- the walk ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # the URL name with its namespace, or the route itself for an unnamed pattern
    route: str  # e.g. "api/v1/cases/<int:case_id>/"
    params: tuple[str, ...]


PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def routes() -> Iterator[Route]:
    """Every URL pattern of the project (config.urls), with its full route and name."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                assert isinstance(pattern, URLPattern)
                route = prefix + str(pattern.pattern)
                params = tuple(PARAM.findall(route)) + tuple(pattern.pattern.regex.groupindex)
                name = f"{namespace}{pattern.name}" if pattern.name else route
                yield Route(name, route, tuple(dict.fromkeys(params)))

    yield from walk(get_resolver().url_patterns, "/", "")


def path_of(route: Route, values: dict[str, Any]) -> str:
    return PARAM.sub(lambda m: str(values[m.group(1)]), route.route)


# --- school A's data, as it could show in an answer -------------------------------------------------


@dataclass
class Canaries:
    texts: list[str]  # pupils' names, links to school A's records
    json_ids: dict[str, set[int]]  # "school": {A}, "case": {A's cases}, ...
    case_numbers: list[str]  # as the evidence files print them

    def found(self, response: HttpResponse, path: str) -> list[str]:
        body = _body(response)
        text = _text(response, body)
        # The page of a refusal names its own address (the language form's "next"): a link to
        # the record asked for, or to a part of its path, is no leak.
        hits = [t for t in self.texts if t in text and not path.startswith(t[1:])]
        location = response.get("Location", "")
        hits += [f"Location {location}" for t in self.texts if location and t == f'"{location}']
        if response.get("Content-Type", "").startswith("application/json") and body:
            hits += list(_json_hits(json.loads(body), self.json_ids))
        if _is_xlsx(response):
            hits += [n for n in self.case_numbers if n in text]
        return hits


def _body(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)


def _is_xlsx(response: HttpResponse) -> bool:
    return "spreadsheetml" in response.get("Content-Type", "")


def _text(response: HttpResponse, body: bytes) -> str:
    if _is_xlsx(response):
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value
        )
    return body.decode("utf-8", errors="replace")


def _json_hits(data: Any, ids: dict[str, set[int]]) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ids and isinstance(value, int) and value in ids[key]:
                yield f"{key}={value}"
            yield from _json_hits(value, ids)
    elif isinstance(data, list):
        for item in data:
            yield from _json_hits(item, ids)


def canaries(school: School, extra_paths: list[str]) -> Canaries:
    cases = set(Case.objects.filter(school=school).values_list("pk", flat=True))
    pupils = dict(Pupil.objects.filter(school=school).values_list("pk", "name"))
    visits = set(HomeVisit.objects.filter(school=school).values_list("pk", flat=True))
    links = [f'"/cases/{pk}/' for pk in cases] + [f'"/visits/{pk}/' for pk in visits]
    links += [f'"/schools/pupils/{pk}/' for pk in pupils] + [f'"{path}' for path in extra_paths]
    return Canaries(
        texts=sorted(set(pupils.values())) + links,
        json_ids={"school": {school.pk}, "case": cases, "pupil": set(pupils), "visit": visits},
        case_numbers=[case_number(pk) for pk in cases],
    )


# --- the database, before and after -----------------------------------------------------------------

# What a request may write without changing any record: sessions, and the audit trail (reads and
# refusals are audited; the test reads the new events separately).
UNWATCHED_TABLES = {"django_session", "audit_auditevent", "audit_auditchainhead"}


def snapshot() -> dict[str, str]:
    """An md5 of every table's rows."""
    tables = sorted(set(connection.introspection.table_names()) - UNWATCHED_TABLES)
    digests = {}
    with connection.cursor() as cursor:
        for table in tables:
            rows = f"SELECT t::text AS line FROM {connection.ops.quote_name(table)} t"  # noqa: S608
            cursor.execute(f"SELECT md5(coalesce(string_agg(line, '|' ORDER BY line), '')) FROM ({rows}) r")  # noqa: S608
            digests[table] = cursor.fetchone()[0]
    return digests


# --- the fixture: the demo, her records, her leaving ----------------------------------------------


def records() -> Records:
    leaver = User.objects.get(username="teacher_a1")
    school = School.objects.get(code="A")
    case = Case.objects.filter(school=school, owner=leaver, state=State.CLOSED).order_by("pk").first()
    assert case is not None, "the demo has a closed case of teacher_a1"
    visit = (
        HomeVisit.objects.filter(
            school=school, case__isnull=True, participants=leaver, visited_at__isnull=False
        )
        .order_by("pk")
        .first()
    )
    assert visit is not None
    attachment = attachment_upload(
        user=leaver, visit_id=visit.pk, name="家访照片.png", chunks=[samples.png()]
    )
    archive_pupil = (
        SpecialGroupArchive.objects.filter(school=school, pupil__classroom__class_teacher=leaver)
        .order_by("pk")
        .first()
    )
    assert archive_pupil is not None
    task = CaseTask.objects.filter(school=school, owner=leaver, flow_task_type="HUMAN").order_by("pk").first()
    assert task is not None
    reminders_send(today=timezone.localdate() + datetime.timedelta(days=90))  # all her tasks overdue
    notification = Notification.objects.filter(user=leaver).order_by("pk").first()
    assert notification is not None
    inspection = Inspection.objects.get(school=school)
    campaign = Campaign.objects.get(bureau=school.bureau)
    colleague = User.objects.get(username="teacher_a2")
    consent = give_consent(case.pupil, Purpose.TRANSFER_SHARING, by=leaver)
    break_glass = break_glass_open(
        case_id=case.pk, user=User.objects.get(username="principal_a"), reason=REASON
    )
    reversal = reversal_request(
        user=User.objects.get(username="custodian_a"),
        school_id=school.pk,
        entry_id=LedgerEntry.objects.filter(school=school).latest("pk").pk,  # goods given: reversible
        reason="录错",
    )
    api_client(colleague)  # a device of hers
    token = ApiToken.objects.filter(user=colleague).latest("pk")
    return Records(
        leaver=leaver,
        colleague=colleague,
        school=school,
        case=case,
        case_visit=HomeVisit.objects.get(case=case),
        visit=visit,
        pupil=case.pupil,
        archive_pupil=archive_pupil.pupil,
        task=task,
        notification=notification,
        attachment_id=attachment.pk,
        essay=VisitEssay.objects.get(school=school, author=leaver),
        meeting=ParentsMeeting.objects.filter(school=school).earliest("pk"),
        act=ActOfHelp.objects.get(school=school, teacher=leaver),
        handbook=Handbook.objects.get(school=school, teacher=leaver),
        opinion=ParentOpinion.objects.get(school=school, raised_by=leaver),
        notice=Notice.objects.get(school=school, teachers=leaver),
        inspection=inspection,
        finding=inspection.findings.earliest("pk"),
        rectification=Rectification.objects.filter(school=school).earliest("pk"),
        visit_plan=VisitPlan.objects.filter(school=school).earliest("pk"),
        ledger_entry=LedgerEntry.objects.filter(school=school).earliest("pk"),
        disbursement=DisbursementRequest.objects.filter(school=school).earliest("pk"),
        campaign=campaign,
        phase=campaign.phases.earliest("pk"),
        consent=consent,
        break_glass=break_glass,
        reversal=reversal,
        token_id=token.pk,
    )


def _clients(leaver: User) -> tuple[Client, Any]:
    page = Client(raise_request_exception=False)
    page.force_login(leaver)
    api = api_client(leaver)
    api.raise_request_exception = False
    return page, api


def _get(page: Client, api: Any, path: str) -> Any:
    return (api if path.startswith("/api/") else page).get(path)


def _post(page: Client, api: Any, path: str, data: dict[str, Any]) -> Any:
    if path.startswith("/api/"):
        return api.post(path, data, format="json")
    return page.post(path, data)


def _method_refused(response: HttpResponse, method: str) -> bool:
    return response.status_code == 405 and method not in response.get("Allow", "")


def test_a_teacher_who_left_sees_nothing_of_the_school_through_any_url() -> None:
    call_command("demo", stdout=StringIO())
    r = records()
    MembershipFactory.create(user=r.leaver, school=School.objects.get(code="B"))  # still signed in
    assert not r.leaver.is_staff
    page, api = _clients(r.leaver)
    all_routes = list(routes())

    # Every pattern is classified: a new parametrised endpoint fails here until it is.
    walked = [
        route
        for route in all_routes
        if route.name not in ALLOWED
        and not route.route.startswith(ADMIN_PREFIX)
        and route.route != "/api/v1/^"
    ]
    unclassified = [route.name for route in walked if route.params and route.name not in PATTERNS]
    assert unclassified == [], "classify these patterns in PATTERNS (OBJECT or SHARED) or ALLOWED"
    stale = set(PATTERNS) - {route.name for route in walked}
    assert stale == set(), "patterns no longer in the project"

    def path(route: Route) -> str:
        values = PATTERNS[route.name][1](r) if route.params else {}
        return path_of(route, values) + (QUERY[route.name](r) if route.name in QUERY else "")

    objects = [route for route in walked if route.params and PATTERNS[route.name][0] == OBJECT]
    object_paths = [path(route) for route in objects]

    # Before: she works at school A and opens her records there.
    before = {route.name: _get(page, api, path(route)) for route in objects}
    not_ok = {
        name: response.status_code
        for name, response in before.items()
        if response.status_code != 200
        and not _method_refused(response, "GET")
        and name not in NOT_HERS_BEFORE
    }
    assert not_ok == {}, "her own records must open before she leaves"
    assert sum(response.status_code == 200 for response in before.values()) > 40

    # A draft she typed about a pupil of school A, which must not outlive her leaving.
    draft_save(
        user=r.leaver, key=f"visit-record-{r.visit.pk}", data={"family_situation": [r.visit.pupil.name]}
    )
    assert page.get(f"/drafts/visit-record-{r.visit.pk}/").status_code == 200
    staff_leave(
        user_id=r.leaver.pk,
        school_id=r.school.pk,
        handover_to_id=r.colleague.pk,
        actor=User.objects.get(username="principal_a"),
    )
    watch = canaries(r.school, object_paths)
    events = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    tables = snapshot()

    failures: list[str] = []
    for route in walked:
        target = path(route)
        kind = PATTERNS[route.name][0] if route.params else "list"
        for method in ("GET", "POST"):
            if method == "GET":
                response = _get(page, api, target)
            else:
                response = _post(page, api, target, AIMED[route.name](r) if route.name in AIMED else {})
            status = response.status_code
            where = f"{method} {target} ({route.name}, {kind})"
            if status >= 500:
                failures.append(f"{where}: {status}")
            elif kind == OBJECT and status != 404 and not _method_refused(response, method):
                failures.append(f"{where}: {status}, not 404")
            elif kind != OBJECT and status not in (200, 302, 400, 403, 404, 405, 409):
                failures.append(f"{where}: {status}")
            hits = watch.found(response, target)
            if hits:
                failures.append(f"{where}: {status} shows school A's data: {hits[:5]}")

    assert failures == [], "\n".join(failures)
    assert snapshot() == tables, "a request changed the database"
    new_events = AuditEvent.objects.filter(pk__gt=events or 0)
    # Refused attempts may be audited; none is recorded as something done at school A.
    done_at_a = [(e.action, e.target_type) for e in new_events.filter(school_id=r.school.pk)]
    assert all(action.endswith(("_refused", ".refused")) for action, _target in done_at_a), done_at_a

    # The admin site answers her with its login page, whatever the URL.
    for admin_path in ("/admin/", f"/admin/casework/case/{r.case.pk}/change/"):
        response = page.get(admin_path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    # The walk sends no DELETE: a colleague's token is 404 to her, and stays live.
    assert api.delete(f"/api/v1/auth/tokens/{r.token_id}/").status_code == 404
    assert ApiToken.objects.live().filter(pk=r.token_id).exists()
    # Anything else under /api/v1/ is the JSON 404.
    assert api.get("/api/v1/no-such-thing/").status_code == 404
    # She is still a teacher at school B and sees its pages.
    assert page.get("/cases/").status_code == 200
    assert Membership.objects.filter(user=r.leaver, is_active=True).count() == 1
