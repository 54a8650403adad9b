"""What each audit action is called, for people: the one registry of action labels.

The trail stores a stable code (``case.transition``); pages and exports show the label in the
reader's language, and the API keeps the code. Every action any service writes has a label here:
``tests/audit/test_action_labels.py`` reads the whole code base and fails on an action without one.
A code that is not here (an old event, a test's own) is shown as it is.

Codes are grouped by what comes before the dot (``case.``, ``visit.``); each group has a label too,
for the browser's list of actions.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

CONTEXT = "audit action"
GROUP_CONTEXT = "audit action group"

ACTION_LABELS: dict[str, Promise] = {
    # Access and reads
    "access.refused": pgettext_lazy(CONTEXT, "Access refused"),
    "archive.viewed": pgettext_lazy(CONTEXT, "Viewed a special-group archive"),
    "case.viewed": pgettext_lazy(CONTEXT, "Viewed a case"),
    "counselling.viewed": pgettext_lazy(CONTEXT, "Viewed counselling sessions"),
    "pupil.viewed": pgettext_lazy(CONTEXT, "Viewed a pupil"),
    "tutoring.viewed": pgettext_lazy(CONTEXT, "Viewed tutoring sessions"),
    "visit.viewed": pgettext_lazy(CONTEXT, "Viewed a home visit"),
    # The admin site
    "admin.add": pgettext_lazy(CONTEXT, "Added in the admin site"),
    "admin.change": pgettext_lazy(CONTEXT, "Changed in the admin site"),
    "admin.delete": pgettext_lazy(CONTEXT, "Deleted in the admin site"),
    # Attachments
    "attachment.downloaded": pgettext_lazy(CONTEXT, "Downloaded an attachment"),
    "attachment.removed": pgettext_lazy(CONTEXT, "Removed an attachment"),
    "attachment.uploaded": pgettext_lazy(CONTEXT, "Uploaded an attachment"),
    # The trail itself
    "audit.exported": pgettext_lazy(CONTEXT, "Exported the audit trail"),
    "retention.applied": pgettext_lazy(CONTEXT, "Applied the retention policy"),
    # Signing in
    "auth.login": pgettext_lazy(CONTEXT, "Signed in"),
    "auth.login_failed": pgettext_lazy(CONTEXT, "Failed to sign in"),
    "auth.logout": pgettext_lazy(CONTEXT, "Signed out"),
    "auth.password_changed": pgettext_lazy(CONTEXT, "Changed the password"),
    "auth.reset_code_sent": pgettext_lazy(CONTEXT, "Sent a password reset code"),
    "auth.token_issued": pgettext_lazy(CONTEXT, "Issued an API token"),
    "auth.token_revoked": pgettext_lazy(CONTEXT, "Revoked an API token"),
    "invitation.accepted": pgettext_lazy(CONTEXT, "Accepted an invitation"),
    "invitation.sent": pgettext_lazy(CONTEXT, "Sent an invitation"),
    "mfa.code_failed": pgettext_lazy(CONTEXT, "Entered a wrong two-factor code"),
    "mfa.enrol": pgettext_lazy(CONTEXT, "Set up two-factor sign-in"),
    "mfa.recovery_regenerated": pgettext_lazy(CONTEXT, "Made new recovery codes"),
    "mfa.recovery_used": pgettext_lazy(CONTEXT, "Used a recovery code"),
    "mfa.reset": pgettext_lazy(CONTEXT, "Reset two-factor sign-in"),
    # The organisation
    "calendar.campaign_created": pgettext_lazy(CONTEXT, "Created a campaign year"),
    "calendar.phase_updated": pgettext_lazy(CONTEXT, "Changed a phase of the calendar"),
    "download.roster_template": pgettext_lazy(CONTEXT, "Downloaded a roster template"),
    "roster.import": pgettext_lazy(CONTEXT, "Imported a roster"),
    "roster.import_refused": pgettext_lazy(CONTEXT, "Roster import refused"),
    "staff.added": pgettext_lazy(CONTEXT, "Added a member of staff"),
    "staff.left": pgettext_lazy(CONTEXT, "Member of staff left"),
    # Cases
    "case.open": pgettext_lazy(CONTEXT, "Opened a case"),
    "case.reassigned": pgettext_lazy(CONTEXT, "Handed cases over"),
    "case.transition": pgettext_lazy(CONTEXT, "Moved a case to its next step"),
    "plan.create": pgettext_lazy(CONTEXT, "Wrote a support plan"),
    "permission.grant": pgettext_lazy(CONTEXT, "Gave access to the confidential notes"),
    "permission.revoke": pgettext_lazy(CONTEXT, "Took back access to the confidential notes"),
    "task.claimed": pgettext_lazy(CONTEXT, "Took a task"),
    "task.escalated": pgettext_lazy(CONTEXT, "Escalated an overdue task"),
    # Confidential notes
    "note.create": pgettext_lazy(CONTEXT, "Wrote a confidential note"),
    "note.read": pgettext_lazy(CONTEXT, "Read the confidential notes"),
    "note.read_refused": pgettext_lazy(CONTEXT, "Refused to read the confidential notes"),
    "note.write_refused": pgettext_lazy(CONTEXT, "Refused to write a confidential note"),
    "notes.admin_change_notified": pgettext_lazy(CONTEXT, "Told of an admin change to the notes"),
    "notes.break_glass_opened": pgettext_lazy(CONTEXT, "Opened an emergency access"),
    "notes.break_glass_refused": pgettext_lazy(CONTEXT, "Emergency access refused"),
    "notes.break_glass_reviewed": pgettext_lazy(CONTEXT, "Reviewed an emergency access"),
    # Home visits
    "visit.appoint": pgettext_lazy(CONTEXT, "Agreed a home-visit appointment"),
    "visit.case_opened": pgettext_lazy(CONTEXT, "Opened a case from a home visit"),
    "visit.follow_up": pgettext_lazy(CONTEXT, "Planned a follow-up visit"),
    "visit.gift_reported": pgettext_lazy(CONTEXT, "Reported a refused gift"),
    "visit.plan": pgettext_lazy(CONTEXT, "Planned a home visit"),
    "visit.record": pgettext_lazy(CONTEXT, "Recorded a home visit"),
    "visit.schedule": pgettext_lazy(CONTEXT, "Made a home-visit appointment"),
    "visit_plan.create": pgettext_lazy(CONTEXT, "Created a visit plan"),
    # Care
    "care.archive_create": pgettext_lazy(CONTEXT, "Created a special-group archive"),
    "care.archive_update": pgettext_lazy(CONTEXT, "Changed a special-group archive"),
    "care.archive_entry_create": pgettext_lazy(CONTEXT, "Added a year to an archive"),
    "care.archive_entry_update": pgettext_lazy(CONTEXT, "Changed a year of an archive"),
    "care.counselling_session_create": pgettext_lazy(CONTEXT, "Recorded a counselling session"),
    "care.tutoring_session_create": pgettext_lazy(CONTEXT, "Recorded a tutoring session"),
    # Consents
    "consent.recorded": pgettext_lazy(CONTEXT, "Recorded a guardian's consent"),
    "consent.withdrawn": pgettext_lazy(CONTEXT, "Withdrew a guardian's consent"),
    # Evidence
    "evidence.exported": pgettext_lazy(CONTEXT, "Exported an evidence file"),
    "pupil.subject_export": pgettext_lazy(CONTEXT, "Exported everything held on a pupil"),
    # Inspections
    "finding.added": pgettext_lazy(CONTEXT, "Added an inspection finding"),
    "inspection.created": pgettext_lazy(CONTEXT, "Created an inspection"),
    "inspection.submitted": pgettext_lazy(CONTEXT, "Submitted an inspection"),
    "inspection.updated": pgettext_lazy(CONTEXT, "Changed an inspection"),
    "notice.issued": pgettext_lazy(CONTEXT, "Issued a notice"),
    "notice.withdrawn": pgettext_lazy(CONTEXT, "Withdrew a notice"),
    "rectification.answered": pgettext_lazy(CONTEXT, "Answered a rectification"),
    "rectification.closed": pgettext_lazy(CONTEXT, "Closed a rectification"),
    "rectification.opened": pgettext_lazy(CONTEXT, "Ordered a rectification"),
    "rectification.returned": pgettext_lazy(CONTEXT, "Returned a rectification answer"),
    # Parents' opinions
    "opinion.complete": pgettext_lazy(CONTEXT, "Answered a parents' opinion"),
    "opinion.plan_rectification": pgettext_lazy(CONTEXT, "Planned a rectification for an opinion"),
    "opinion.raised": pgettext_lazy(CONTEXT, "Recorded an opinion raised on a home visit"),
    "opinion.received": pgettext_lazy(CONTEXT, "Received a parents' opinion"),
    "opinion.study": pgettext_lazy(CONTEXT, "Started studying a parents' opinion"),
    # Reports
    "report.exported": pgettext_lazy(CONTEXT, "Exported a report"),
    "report.viewed": pgettext_lazy(CONTEXT, "Viewed a report"),
    # The six ones
    "sixones.act_recorded": pgettext_lazy(CONTEXT, "Recorded a good deed"),
    "sixones.essay_exemplary": pgettext_lazy(CONTEXT, "Marked an essay exemplary"),
    "sixones.essay_exemplary_withdrawn": pgettext_lazy(CONTEXT, "Withdrew an essay's exemplary mark"),
    "sixones.essay_written": pgettext_lazy(CONTEXT, "Wrote a visit essay"),
    "sixones.handbook_compiled": pgettext_lazy(CONTEXT, "Compiled a home-visit handbook"),
    "sixones.handbook_downloaded": pgettext_lazy(CONTEXT, "Downloaded a home-visit handbook"),
    "sixones.meeting_recorded": pgettext_lazy(CONTEXT, "Recorded a parents' meeting"),
    # The support ledger
    "support.disbursement_approve": pgettext_lazy(CONTEXT, "Approved a disbursement"),
    "support.disbursement_reject": pgettext_lazy(CONTEXT, "Rejected a disbursement"),
    "support.disbursement_request": pgettext_lazy(CONTEXT, "Requested a disbursement"),
    "support.donation": pgettext_lazy(CONTEXT, "Recorded a donation"),
    "support.export": pgettext_lazy(CONTEXT, "Exported the support ledger"),
    "support.reversal_approve": pgettext_lazy(CONTEXT, "Approved a reversal"),
    "support.reversal_reject": pgettext_lazy(CONTEXT, "Rejected a reversal"),
    "support.reversal_request": pgettext_lazy(CONTEXT, "Requested a reversal"),
}

# The part before the dot, for grouping the browser's list of actions.
ACTION_GROUPS: dict[str, Promise] = {
    "access": pgettext_lazy(GROUP_CONTEXT, "Refused access"),
    "admin": pgettext_lazy(GROUP_CONTEXT, "Admin site"),
    "archive": pgettext_lazy(GROUP_CONTEXT, "Special-group archives"),
    "attachment": pgettext_lazy(GROUP_CONTEXT, "Attachments"),
    "audit": pgettext_lazy(GROUP_CONTEXT, "Audit trail"),
    "auth": pgettext_lazy(GROUP_CONTEXT, "Signing in"),
    "calendar": pgettext_lazy(GROUP_CONTEXT, "Calendar"),
    "care": pgettext_lazy(GROUP_CONTEXT, "Tutoring, counselling and archives"),
    "case": pgettext_lazy(GROUP_CONTEXT, "Cases"),
    "consent": pgettext_lazy(GROUP_CONTEXT, "Consents"),
    "counselling": pgettext_lazy(GROUP_CONTEXT, "Counselling"),
    "download": pgettext_lazy(GROUP_CONTEXT, "Downloads"),
    "evidence": pgettext_lazy(GROUP_CONTEXT, "Evidence files"),
    "finding": pgettext_lazy(GROUP_CONTEXT, "Inspections"),
    "inspection": pgettext_lazy(GROUP_CONTEXT, "Inspections"),
    "invitation": pgettext_lazy(GROUP_CONTEXT, "Invitations"),
    "mfa": pgettext_lazy(GROUP_CONTEXT, "Two-factor sign-in"),
    "note": pgettext_lazy(GROUP_CONTEXT, "Confidential notes"),
    "notes": pgettext_lazy(GROUP_CONTEXT, "Confidential notes"),
    "notice": pgettext_lazy(GROUP_CONTEXT, "Notices"),
    "opinion": pgettext_lazy(GROUP_CONTEXT, "Parents' opinions"),
    "permission": pgettext_lazy(GROUP_CONTEXT, "Confidential notes"),
    "plan": pgettext_lazy(GROUP_CONTEXT, "Cases"),
    "pupil": pgettext_lazy(GROUP_CONTEXT, "Pupils"),
    "rectification": pgettext_lazy(GROUP_CONTEXT, "Rectifications"),
    "report": pgettext_lazy(GROUP_CONTEXT, "Reports"),
    "retention": pgettext_lazy(GROUP_CONTEXT, "Retention"),
    "roster": pgettext_lazy(GROUP_CONTEXT, "Rosters"),
    "sixones": pgettext_lazy(GROUP_CONTEXT, "Six ones"),
    "staff": pgettext_lazy(GROUP_CONTEXT, "Staff"),
    "support": pgettext_lazy(GROUP_CONTEXT, "Support ledger"),
    "task": pgettext_lazy(GROUP_CONTEXT, "Tasks"),
    "tutoring": pgettext_lazy(GROUP_CONTEXT, "Tutoring"),
    "visit": pgettext_lazy(GROUP_CONTEXT, "Home visits"),
    "visit_plan": pgettext_lazy(GROUP_CONTEXT, "Home visits"),
}


def action_label(code: str) -> str:
    """The action's label in the active language; an unknown code as it is."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def action_group(code: str) -> str:
    """The label of the action's group (the part before the dot); an unknown group as it is."""
    prefix = code.split(".", 1)[0]
    label = ACTION_GROUPS.get(prefix)
    return str(label) if label is not None else prefix
