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

ACTION_LABELS: dict[str, Promise] = {
    # Access and reads
    "access.refused": pgettext_lazy("audit action", "Access refused"),
    "archive.viewed": pgettext_lazy("audit action", "Viewed a special-group archive"),
    "case.viewed": pgettext_lazy("audit action", "Viewed a case"),
    "counselling.viewed": pgettext_lazy("audit action", "Viewed counselling sessions"),
    "pupil.viewed": pgettext_lazy("audit action", "Viewed a pupil"),
    "tutoring.viewed": pgettext_lazy("audit action", "Viewed tutoring sessions"),
    "visit.viewed": pgettext_lazy("audit action", "Viewed a home visit"),
    # The admin site
    "admin.add": pgettext_lazy("audit action", "Added in the admin site"),
    "admin.change": pgettext_lazy("audit action", "Changed in the admin site"),
    "admin.delete": pgettext_lazy("audit action", "Deleted in the admin site"),
    # Attachments
    "attachment.downloaded": pgettext_lazy("audit action", "Downloaded an attachment"),
    "attachment.removed": pgettext_lazy("audit action", "Removed an attachment"),
    "attachment.uploaded": pgettext_lazy("audit action", "Uploaded an attachment"),
    # The trail itself
    "audit.exported": pgettext_lazy("audit action", "Exported the audit trail"),
    "retention.applied": pgettext_lazy("audit action", "Applied the retention policy"),
    # Signing in
    "auth.login": pgettext_lazy("audit action", "Signed in"),
    "auth.login_failed": pgettext_lazy("audit action", "Failed to sign in"),
    "auth.logout": pgettext_lazy("audit action", "Signed out"),
    "auth.password_changed": pgettext_lazy("audit action", "Changed the password"),
    "auth.reset_code_sent": pgettext_lazy("audit action", "Sent a password reset code"),
    "auth.token_issued": pgettext_lazy("audit action", "Issued an API token"),
    "auth.token_revoked": pgettext_lazy("audit action", "Revoked an API token"),
    "invitation.accepted": pgettext_lazy("audit action", "Accepted an invitation"),
    "invitation.sent": pgettext_lazy("audit action", "Sent an invitation"),
    "mfa.code_failed": pgettext_lazy("audit action", "Entered a wrong two-factor code"),
    "mfa.enrol": pgettext_lazy("audit action", "Set up two-factor sign-in"),
    "mfa.recovery_regenerated": pgettext_lazy("audit action", "Made new recovery codes"),
    "mfa.recovery_used": pgettext_lazy("audit action", "Used a recovery code"),
    "mfa.reset": pgettext_lazy("audit action", "Reset two-factor sign-in"),
    # The organisation
    "calendar.campaign_created": pgettext_lazy("audit action", "Created a campaign year"),
    "calendar.phase_updated": pgettext_lazy("audit action", "Changed a phase of the calendar"),
    "download.roster_template": pgettext_lazy("audit action", "Downloaded a roster template"),
    "roster.import": pgettext_lazy("audit action", "Imported a roster"),
    "roster.import_refused": pgettext_lazy("audit action", "Roster import refused"),
    "staff.added": pgettext_lazy("audit action", "Added a member of staff"),
    "staff.left": pgettext_lazy("audit action", "Member of staff left"),
    # Cases
    "case.open": pgettext_lazy("audit action", "Opened a case"),
    "case.reassigned": pgettext_lazy("audit action", "Handed cases over"),
    "case.transition": pgettext_lazy("audit action", "Moved a case to its next step"),
    "plan.create": pgettext_lazy("audit action", "Wrote a support plan"),
    "permission.grant": pgettext_lazy("audit action", "Gave access to the confidential notes"),
    "permission.revoke": pgettext_lazy("audit action", "Took back access to the confidential notes"),
    "task.claimed": pgettext_lazy("audit action", "Took a task"),
    "task.escalated": pgettext_lazy("audit action", "Escalated an overdue task"),
    # Confidential notes
    "note.create": pgettext_lazy("audit action", "Wrote a confidential note"),
    "note.read": pgettext_lazy("audit action", "Read the confidential notes"),
    "note.read_refused": pgettext_lazy("audit action", "Refused to read the confidential notes"),
    "note.write_refused": pgettext_lazy("audit action", "Refused to write a confidential note"),
    "notes.admin_change_notified": pgettext_lazy("audit action", "Told of an admin change to the notes"),
    "notes.break_glass_opened": pgettext_lazy("audit action", "Opened an emergency access"),
    "notes.break_glass_refused": pgettext_lazy("audit action", "Emergency access refused"),
    "notes.break_glass_reviewed": pgettext_lazy("audit action", "Reviewed an emergency access"),
    # Home visits
    "visit.appoint": pgettext_lazy("audit action", "Agreed a home-visit appointment"),
    "visit.case_opened": pgettext_lazy("audit action", "Opened a case from a home visit"),
    "visit.follow_up": pgettext_lazy("audit action", "Planned a follow-up visit"),
    "visit.gift_reported": pgettext_lazy("audit action", "Reported a refused gift"),
    "visit.plan": pgettext_lazy("audit action", "Planned a home visit"),
    "visit.record": pgettext_lazy("audit action", "Recorded a home visit"),
    "visit.schedule": pgettext_lazy("audit action", "Made a home-visit appointment"),
    "visit_plan.create": pgettext_lazy("audit action", "Created a visit plan"),
    # Care
    "care.archive_create": pgettext_lazy("audit action", "Created a special-group archive"),
    "care.archive_update": pgettext_lazy("audit action", "Changed a special-group archive"),
    "care.archive_entry_create": pgettext_lazy("audit action", "Added a year to an archive"),
    "care.archive_entry_update": pgettext_lazy("audit action", "Changed a year of an archive"),
    "care.counselling_session_create": pgettext_lazy("audit action", "Recorded a counselling session"),
    "care.tutoring_session_create": pgettext_lazy("audit action", "Recorded a tutoring session"),
    # Consents
    "consent.recorded": pgettext_lazy("audit action", "Recorded a guardian's consent"),
    "consent.withdrawn": pgettext_lazy("audit action", "Withdrew a guardian's consent"),
    # Evidence
    "evidence.exported": pgettext_lazy("audit action", "Exported an evidence file"),
    "pupil.subject_export": pgettext_lazy("audit action", "Exported everything held on a pupil"),
    # Inspections
    "finding.added": pgettext_lazy("audit action", "Added an inspection finding"),
    "inspection.created": pgettext_lazy("audit action", "Created an inspection"),
    "inspection.submitted": pgettext_lazy("audit action", "Submitted an inspection"),
    "inspection.updated": pgettext_lazy("audit action", "Changed an inspection"),
    "notice.issued": pgettext_lazy("audit action", "Issued a notice"),
    "notice.withdrawn": pgettext_lazy("audit action", "Withdrew a notice"),
    "rectification.answered": pgettext_lazy("audit action", "Answered a rectification"),
    "rectification.closed": pgettext_lazy("audit action", "Closed a rectification"),
    "rectification.opened": pgettext_lazy("audit action", "Ordered a rectification"),
    "rectification.returned": pgettext_lazy("audit action", "Returned a rectification answer"),
    # Parents' opinions
    "opinion.complete": pgettext_lazy("audit action", "Answered a parents' opinion"),
    "opinion.plan_rectification": pgettext_lazy("audit action", "Planned a rectification for an opinion"),
    "opinion.raised": pgettext_lazy("audit action", "Recorded an opinion raised on a home visit"),
    "opinion.received": pgettext_lazy("audit action", "Received a parents' opinion"),
    "opinion.study": pgettext_lazy("audit action", "Started studying a parents' opinion"),
    # Reports
    "report.exported": pgettext_lazy("audit action", "Exported a report"),
    "report.viewed": pgettext_lazy("audit action", "Viewed a report"),
    # The six ones
    "sixones.act_recorded": pgettext_lazy("audit action", "Recorded a good deed"),
    "sixones.essay_exemplary": pgettext_lazy("audit action", "Marked an essay exemplary"),
    "sixones.essay_exemplary_withdrawn": pgettext_lazy("audit action", "Withdrew an essay's exemplary mark"),
    "sixones.essay_written": pgettext_lazy("audit action", "Wrote a visit essay"),
    "sixones.handbook_compiled": pgettext_lazy("audit action", "Compiled a home-visit handbook"),
    "sixones.handbook_downloaded": pgettext_lazy("audit action", "Downloaded a home-visit handbook"),
    "sixones.meeting_recorded": pgettext_lazy("audit action", "Recorded a parents' meeting"),
    # The support ledger
    "support.disbursement_approve": pgettext_lazy("audit action", "Approved a disbursement"),
    "support.disbursement_reject": pgettext_lazy("audit action", "Rejected a disbursement"),
    "support.disbursement_request": pgettext_lazy("audit action", "Requested a disbursement"),
    "support.donation": pgettext_lazy("audit action", "Recorded a donation"),
    "support.export": pgettext_lazy("audit action", "Exported the support ledger"),
    "support.reversal_approve": pgettext_lazy("audit action", "Approved a reversal"),
    "support.reversal_reject": pgettext_lazy("audit action", "Rejected a reversal"),
    "support.reversal_request": pgettext_lazy("audit action", "Requested a reversal"),
}

# The part before the dot, for grouping the browser's list of actions.
ACTION_GROUPS: dict[str, Promise] = {
    "access": pgettext_lazy("audit action group", "Refused access"),
    "admin": pgettext_lazy("audit action group", "Admin site"),
    "archive": pgettext_lazy("audit action group", "Special-group archives"),
    "attachment": pgettext_lazy("audit action group", "Attachments"),
    "audit": pgettext_lazy("audit action group", "Audit trail"),
    "auth": pgettext_lazy("audit action group", "Signing in"),
    "calendar": pgettext_lazy("audit action group", "Calendar"),
    "care": pgettext_lazy("audit action group", "Tutoring, counselling and archives"),
    "case": pgettext_lazy("audit action group", "Cases"),
    "consent": pgettext_lazy("audit action group", "Consents"),
    "counselling": pgettext_lazy("audit action group", "Counselling"),
    "download": pgettext_lazy("audit action group", "Downloads"),
    "evidence": pgettext_lazy("audit action group", "Evidence files"),
    "finding": pgettext_lazy("audit action group", "Inspections"),
    "inspection": pgettext_lazy("audit action group", "Inspections"),
    "invitation": pgettext_lazy("audit action group", "Invitations"),
    "mfa": pgettext_lazy("audit action group", "Two-factor sign-in"),
    "note": pgettext_lazy("audit action group", "Confidential notes"),
    "notes": pgettext_lazy("audit action group", "Confidential notes"),
    "notice": pgettext_lazy("audit action group", "Notices"),
    "opinion": pgettext_lazy("audit action group", "Parents' opinions"),
    "permission": pgettext_lazy("audit action group", "Confidential notes"),
    "plan": pgettext_lazy("audit action group", "Cases"),
    "pupil": pgettext_lazy("audit action group", "Pupils"),
    "rectification": pgettext_lazy("audit action group", "Rectifications"),
    "report": pgettext_lazy("audit action group", "Reports"),
    "retention": pgettext_lazy("audit action group", "Retention"),
    "roster": pgettext_lazy("audit action group", "Rosters"),
    "sixones": pgettext_lazy("audit action group", "Six ones"),
    "staff": pgettext_lazy("audit action group", "Staff"),
    "support": pgettext_lazy("audit action group", "Support ledger"),
    "task": pgettext_lazy("audit action group", "Tasks"),
    "tutoring": pgettext_lazy("audit action group", "Tutoring"),
    "visit": pgettext_lazy("audit action group", "Home visits"),
    "visit_plan": pgettext_lazy("audit action group", "Home visits"),
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
