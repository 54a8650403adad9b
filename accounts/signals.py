"""What accounts announces, for the audit trail to record.

Accounts sits below the trail and cannot tell a person's school, so it cannot write the audit
rows itself; ``schools.signals`` listens, as it does for Django's login signals, and records them
in the same transaction (``send``, not ``send_robust``: a failing receiver rolls the act back).
"""

from __future__ import annotations

from django.dispatch import Signal

# invitation (accounts.Invitation), via ("link" or "code"), request (HttpRequest or None).
invitation_accepted = Signal()
# user, method ("change", "email_reset" or "sms_reset"), request.
password_changed = Signal()
# reset_code (accounts.PasswordResetCode), request: a password-reset code was texted to the user.
reset_code_sent = Signal()

# token: the ApiToken just issued (never its key); request: the HttpRequest, or None.
api_token_issued = Signal()

# user: whose tokens; tokens: the ApiTokens just revoked; reason: ApiToken.Reason;
# by: who revoked them (None when a password change or a sign-out did); request: or None.
api_tokens_revoked = Signal()
