"""What personal data the records hold and what the retention run does with it (docs/retention.md).

``PERSONAL`` names every field that goes, with its treatment; ``KEPT`` every other free-text or
binary field of our models, with the reason it stays. ``tests/privacy/test_inventory.py`` fails
when a model gains a text field that is in neither, so a new field cannot slip past the policy.
Fields with choices (states, kinds, codes) hold no free text and are not listed.
"""

from __future__ import annotations

import enum

# The marker that replaces names and free text. Written out in support's migration 0006 too, whose
# trigger lets the ledger's purpose and reason change to exactly this.
ANONYMISED = "[已匿名]"
# The prefix of the student number an anonymised pupil gets (unique with the pupil's id).
PSEUDONYM_PREFIX = "ANON-"


class Treatment(enum.StrEnum):
    MARKER = "marker"  # replaced by ANONYMISED; an empty value stays empty
    PSEUDONYM = "pseudonym"  # replaced by PSEUDONYM_PREFIX and the row's id (stays unique)
    CLEARED = "cleared"  # emptied: "" or NULL
    DESTROYED = "destroyed"  # the ciphertext emptied (the keys are shared: this is the erasure)
    FILE = "file"  # the stored bytes deleted; the path and checksum emptied
    REBUILT = "rebuilt"  # compiled again from the anonymised records
    ERASED = "erased"  # audit payload erased (audit.services.audit_erase), the chain kept


M = Treatment.MARKER
VISIT_RECORD = (
    "family_situation",
    "growth_environment",
    "home_behaviour",
    "study_habits",
    "living_habits",
    "school_life_feedback",
    "parents_opinions",
    "policies_explained",
    "measures_agreed",
    "reflection",
)

PERSONAL: dict[str, dict[str, Treatment]] = {
    "schools.Pupil": {
        "name": M,
        "student_number": Treatment.PSEUDONYM,
        "birth_date": Treatment.CLEARED,
        "home_address": Treatment.CLEARED,
        "notes": Treatment.CLEARED,
    },
    "schools.Guardian": {"name": M, "phone": Treatment.CLEARED},
    "casework.Case": {"summary": M},
    "casework.SupportPlan": {"goals": M, "measures": M, "schedule": M, "responsible_staff": M},
    "casework.HomeVisit": {"appointment_with": M, "appointment_note": M, **dict.fromkeys(VISIT_RECORD, M)},
    "casework.VisitGiftReport": {"what": M, "note": M},
    "casework.CounsellingNote": {"ciphertext": Treatment.DESTROYED},
    # An emergency access to the notes: its written reason and review describe the pupil's crisis.
    "casework.BreakGlassAccess": {"reason": M, "review_comment": M},
    "consents.Consent": {"guardian_name": M, "withdrawal_reason": M},
    "care.TutoringSession": {"content": M, "outcome": M},
    "care.SpecialGroupArchive": {"family": M, "guardianship": M, "parents_work": M, "contact": M},
    "care.ArchiveEntry": {"record": M, "analysis": M, "support": M},
    "opinions.ParentOpinion": {"guardian_name": M, "text": M, "plan": M, "answer": M},
    "sixones.ActOfHelp": {"what": M},
    "sixones.VisitEssay": {"title": M, "body": M},
    "sixones.Handbook": {"pdf": Treatment.REBUILT, "sha256": Treatment.REBUILT},
    "support.DisbursementRequest": {"purpose": M, "decision_note": M},
    "support.LedgerEntry": {"purpose": M, "reason": M},
    "support.ReversalRequest": {"reason": M, "decision_note": M},
    # What someone typed and has not saved: deleted whole after WANJIA_DRAFT_DAYS (drafts.services).
    "drafts.Draft": {"data": Treatment.DESTROYED},
    "attachments.Attachment": {
        "file": Treatment.FILE,
        "sha256": Treatment.FILE,
        "original_name": M,
        "caption": M,
    },
    # Django's admin history: the name of the changed object (the audit trail says what changed).
    "admin.LogEntry": {"object_repr": M},
    "audit.AuditEvent": {
        "detail": Treatment.ERASED,
        "ip": Treatment.ERASED,
        "user_agent": Treatment.ERASED,
        "payload_salt": Treatment.ERASED,
    },
}

STAFF = "staff and their accounts: not the pupils' data this policy is about"
SCHOOL = "the organisation and its programme, not one pupil"
INSPECTION = "the bureau's record of a school; inspectors write about the school, not name pupils"
CHAIN = "the audit chain's own bookkeeping (hashes, names of actions and records)"
KEPT: dict[str, dict[str, str]] = {
    "accounts.User": dict.fromkeys(
        ("password", "username", "first_name", "last_name", "email", "full_name", "phone"), STAFF
    ),
    # Credentials of staff: hashes and device labels, nothing about a pupil.
    "accounts.ApiToken": dict.fromkeys(("name", "prefix", "digest"), STAFF),
    "accounts.Invitation": dict.fromkeys(("token_hash", "code_hash"), STAFF),
    "accounts.PasswordResetCode": {"code_hash": STAFF},
    "drafts.Draft": {"key": "the form's name and the id of its record (visit-record-12)"},
    "schools.Bureau": dict.fromkeys(("name", "code"), SCHOOL),
    "schools.School": dict.fromkeys(("name", "code", "address"), SCHOOL),
    "schools.AcademicYear": {"name": SCHOOL},
    "schools.Campaign": {"name": SCHOOL},
    "casework.VisitPlan": dict.fromkeys(("title", "area_label"), "how a school shares out its visits"),
    "workflows.CaseProcess": {
        "flow_class": "viewflow's bookkeeping",
        "data": "the transition that moved the flow; no text about the pupil",
    },
    "workflows.CaseTask": {
        **dict.fromkeys(
            ("flow_task", "flow_task_type", "token", "external_task_id", "owner_permission"),
            "viewflow's bookkeeping",
        ),
        "owner_permission_obj_pk": "viewflow's bookkeeping",
        "kind": "the kind of task (draft_plan, review, ...)",
        "data": "the transition that completed the task; no text about the pupil",
    },
    "workflows.Notification": {
        "params": (
            "task kind, case/opinion/rectification ids, dates, a member of staff's name, a plan's "
            "return reason (shown in the app only, as on the case page); no pupil data"
        ),
        "event": "the event's key: record ids only",
        "url": "the path of the page where the work is done: record ids only",
    },
    "workflows.NotificationPreference": {
        "webhook_format": "the kind of group robot (wecom, dingtalk)",
        "webhook_url": "the address of a member of staff's group robot: " + STAFF,
    },
    "audit.AuditEvent": {
        **dict.fromkeys(("action", "target_type", "target_id", "chain", "prev_hash", "hash"), CHAIN),
        "payload_digest": "a salted digest: without the salt, which goes, it reveals nothing",
        "actor_label": "the member of staff who acted: " + STAFF,
    },
    "audit.AuditChainHead": dict.fromkeys(("chain", "hash"), CHAIN),
    "inspections.ChecklistItem": dict.fromkeys(("code", "text", "text_en"), "the bureau's checklist"),
    "inspections.Inspection": {"summary": INSPECTION},
    "inspections.InspectionChecklistResult": {"note": INSPECTION},
    "inspections.Finding": {"text": INSPECTION},
    "inspections.Notice": dict.fromkeys(("title", "text", "withdrawal_reason"), INSPECTION),
    "inspections.Rectification": dict.fromkeys(("response", "return_comment", "closing_comment"), INSPECTION),
    "support.GoodsItem": dict.fromkeys(("key", "name", "unit"), "kinds of goods the school keeps"),
    "support.LedgerEntry": {
        "goods": "the kind of goods given (书包, 冬衣)",
        "donor_name": "an adult donor, recorded for the accounts, not a pupil",
    },
    "support.DisbursementRequest": {"goods": "the kind of goods given (书包, 冬衣)"},
    "attachments.Attachment": {"content_type": "the kind of file, kept for counts"},
    "sixones.ParentsMeeting": dict.fromkeys(
        ("topic", "attendees", "minutes"), "a school-wide meeting of parents, not about one pupil"
    ),
}
