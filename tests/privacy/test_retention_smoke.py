"""The retention run's main path on any database (SQLite too): its triggers let the erasure and
the ledger's marker through, the chain verifies, a second run changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEvent
from audit.verify import erasures_unaccounted, verify_chains
from casework.models import Case, State
from privacy.inventory import ANONYMISED
from privacy.services import retention_apply
from schools.models import Pupil
from support import services as support
from support.models import LedgerEntry, SchoolFund
from tests.builders import drive_to, open_case
from tests.support.helpers import donate

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_a_closed_case_of_a_pupil_off_the_roll_is_anonymised_once(world):
    case = open_case(world.classroom, by=world.colleague, pupil_name="李小红", summary="李小红家里困难")
    donate(world, "100.00")
    request = support.disbursement_request(
        user=world.custodian,
        school_id=world.school.pk,
        case_id=case.pk,
        purpose="李小红的书包",
        amount=Decimal("30"),
    )
    support.disbursement_approve(user=world.principal, school_id=world.school.pk, request_id=request.pk)
    drive_to(case, State.CLOSED, leader=world.principal)
    pupil = Pupil.objects.get(pk=case.pupil_id)
    pupil.is_active = False
    pupil.save()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=3 * 366 + 1), tick=False):
        run = retention_apply()
        assert (run.pupil_ids, run.case_ids) == ([pupil.pk], [case.pk])
        assert Pupil.objects.get(pk=pupil.pk).name == ANONYMISED
        assert Case.objects.get(pk=case.pk).summary == ANONYMISED
        entry = LedgerEntry.objects.get(case=case)
        assert (entry.purpose, entry.amount) == (ANONYMISED, Decimal("30.00"))
        assert SchoolFund.objects.get(school=world.school).balance == Decimal("70.00")
        assert all(e.erased_at for e in AuditEvent.objects.filter(case_id=case.pk))
        checked, problem = verify_chains()
        assert problem is None and checked == AuditEvent.objects.count()
        assert erasures_unaccounted() is None

        again = retention_apply()
        assert again.changes == 0 and again.event is not None
        assert verify_chains()[1] is None and erasures_unaccounted() is None
