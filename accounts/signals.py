"""What accounts announces, for the audit trail (recorded by schools/signals.py, which knows a
person's school chain). Sent inside the transaction of the act, so a failing receiver rolls it back."""

from __future__ import annotations

from django.dispatch import Signal

# invitation (accounts.Invitation), via ("link" or "code"), request (HttpRequest or None).
invitation_accepted = Signal()
# user, method ("change", "email_reset" or "sms_reset"), request.
password_changed = Signal()
# reset_code (accounts.PasswordResetCode), request: a password-reset code was texted to the user.
reset_code_sent = Signal()
