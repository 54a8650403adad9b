"""Helpers for joining and password tests: the text messages sent, and invitations made through
the staff service (as an administrator would)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from accounts.invitations import IssuedInvitation
from accounts.models import User
from schools.models import Membership, School
from schools.staff import staff_add

# A password zxcvbn scores 4 and that resembles no test persona.
STRONG = "Lantern-orchard-57-quietly"
OTHER_STRONG = "Pebble-harbour-93-softly"


@dataclass
class SmsOutbox:
    """The text messages FileSender wrote during one test, oldest first."""

    directory: Path

    def messages(self) -> list[dict[str, str]]:
        if not self.directory.exists():
            return []
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.directory.glob("*.json"))]

    def last_code(self, digits: int = 6) -> str:
        match = re.search(rf"\b(\d{{{digits}}})\b", self.messages()[-1]["text"])
        assert match is not None
        return match.group(1)


def invite_new_teacher(
    school: School,
    *,
    by: User,
    full_name: str = "周老师",
    phone: str = "13912345678",
    email: str = "",
    username: str = "zhou",
) -> tuple[User, IssuedInvitation]:
    """A new teacher of ``school`` added and invited by ``by`` through the staff service, in a
    transaction committed as a request's would be (so the delivery runs)."""
    added = staff_add(
        school=school,
        actor=by,
        full_name=full_name,
        phone=phone,
        email=email,
        username=username,
        roles=[Membership.Role.TEACHER],
        base_url="http://testserver",
    )
    return added.member.user, added.invitation
