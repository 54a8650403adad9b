"""Ledger pages for each persona: who sees what, who may write, and what the refusal looks like."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from support import services
from support.models import DisbursementRequest, EntryKind, LedgerEntry, ReversalRequest, SchoolFund
from support.selectors import ANONYMOUS
from tests.builders import open_case
from tests.support.helpers import disburse, donate

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, world, **kwargs) -> str:
    return reverse(f"support:{name}", kwargs={"school_id": world.school.pk, **kwargs})


@pytest.mark.smoke
def test_ledger_page_for_custodian_and_principal(world, django_assert_max_num_queries):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100")
    disburse(world, case, "40")
    for user in (world.custodian, world.principal):
        client = client_for(user)
        with django_assert_max_num_queries(20):
            response = client.get(url("ledger", world))
        assert response.status_code == 200
        assert response.context["balance"] == Decimal("60.00")
        assert len(response.context["rows"]) == 2
    # More entries do not mean more queries.
    for _ in range(5):
        donate(world, "1")
    client = client_for(world.principal)
    with django_assert_max_num_queries(20):
        assert client.get(url("ledger", world)).status_code == 200


@pytest.mark.parametrize("persona", ["owner", "colleague", "outsider", "counsellor", "admin", "inspector"])
def test_others_get_404(world, persona):
    donate(world, "10")
    client = client_for(getattr(world, persona))
    for name in ("ledger", "donation_new", "disbursement_new", "report", "stock"):
        assert client.get(url(name, world)).status_code == 404
    # The bureau's inspectors keep no ledger; they are sent to the per-school totals instead.
    expected = 302 if persona == "inspector" else 404
    assert client.get(reverse("support:index")).status_code == expected


def test_anonymous_is_sent_to_login(world):
    response = Client().get(url("ledger", world))
    assert response.status_code == 302 and "login" in response["Location"]


def test_index_redirects_to_the_only_ledger(world):
    response = client_for(world.custodian).get(reverse("support:index"))
    assert response.status_code == 302 and response["Location"] == url("ledger", world)


def test_menu_shows_support_to_custodian_principal_and_inspector_only(world):
    for user, shown in (
        (world.custodian, True),
        (world.principal, True),
        (world.inspector, True),
        (world.owner, False),
    ):
        response = client_for(user).get(reverse("workflows:notifications"))
        assert (b'data-nav="support"' in response.content) is shown


@pytest.mark.smoke
def test_custodian_records_a_donation_through_the_form(world):
    client = client_for(world.custodian)
    assert client.get(url("donation_new", world)).status_code == 200
    response = client.post(
        url("donation_new", world),
        {
            "occurred_on": timezone.localdate().isoformat(),
            "donor_name": "王老师",
            "amount": "88.80",
            "donor_is_staff": "on",
            "donor_anonymous": "on",
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get()
    assert (entry.amount, entry.donor_is_staff, entry.donor_anonymous) == (Decimal("88.80"), True, True)


def test_donation_form_bad_input_is_400_and_writes_nothing(world):
    client = client_for(world.custodian)
    response = client.post(url("donation_new", world), {"occurred_on": "x", "donor_name": "", "amount": "-5"})
    assert response.status_code == 400
    response = client.post(
        url("donation_new", world), {"occurred_on": timezone.localdate().isoformat(), "donor_name": "甲"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not LedgerEntry.objects.exists()


def test_principal_may_not_record_a_donation(world):
    client = client_for(world.principal)
    assert client.get(url("donation_new", world)).status_code == 403
    response = client.post(
        url("donation_new", world),
        {"occurred_on": timezone.localdate().isoformat(), "donor_name": "甲", "amount": "5"},
    )
    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()


def test_wrong_methods_are_refused(world):
    donate(world, "10")
    client = client_for(world.principal)
    assert client.post(url("ledger", world)).status_code == 405
    assert client.post(url("report", world)).status_code == 405
    assert client.get(url("disbursement_approve", world, request_id=1)).status_code == 405
    assert client.get(url("disbursement_reject", world, request_id=1)).status_code == 405


def test_csrf_is_enforced(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.custodian)
    response = client.post(
        url("donation_new", world),
        {"occurred_on": timezone.localdate().isoformat(), "donor_name": "甲", "amount": "5"},
    )
    assert response.status_code == 403
    assert not LedgerEntry.objects.exists()


@pytest.mark.smoke
def test_request_and_approve_through_the_pages(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100")
    custodian = client_for(world.custodian)
    assert custodian.get(url("disbursement_new", world)).status_code == 200
    response = custodian.post(
        url("disbursement_new", world), {"case": case.pk, "amount": "25", "purpose": "午餐补助"}
    )
    assert response.status_code == 302
    request = DisbursementRequest.objects.get()
    # The custodian cannot approve; the owner teacher does not even see the ledger.
    assert custodian.post(url("disbursement_approve", world, request_id=request.pk)).status_code == 403
    assert (
        client_for(world.owner).post(url("disbursement_approve", world, request_id=request.pk)).status_code
        == 404
    )
    principal = client_for(world.principal)
    page = principal.get(url("ledger", world))
    assert f'data-request="{request.pk}"'.encode() in page.content
    response = principal.post(url("disbursement_approve", world, request_id=request.pk))
    assert response.status_code == 302
    assert SchoolFund.objects.get(school=world.school).balance == Decimal("75.00")
    assert principal.post(url("disbursement_approve", world, request_id=request.pk)).status_code == 409


def test_disbursement_form_over_the_balance_is_409(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "10")
    response = client_for(world.custodian).post(
        url("disbursement_new", world), {"case": case.pk, "amount": "25", "purpose": "午餐补助"}
    )
    assert response.status_code == 409
    assert not DisbursementRequest.objects.exists()


def test_disbursement_form_refuses_another_schools_case(world):
    other = open_case(world.other_classroom, by=world.outsider)
    donate(world, "100")
    response = client_for(world.custodian).post(
        url("disbursement_new", world), {"case": other.pk, "amount": "5", "purpose": "x"}
    )
    assert response.status_code == 400
    assert not DisbursementRequest.objects.exists()


def test_reject_through_the_page(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100")
    request = services.disbursement_request(
        user=world.custodian, school_id=world.school.pk, case_id=case.pk, purpose="x", amount=Decimal("5")
    )
    response = client_for(world.principal).post(
        url("disbursement_reject", world, request_id=request.pk), {"note": "否"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == DisbursementRequest.State.REJECTED


def test_reverse_through_the_page_keeps_the_original(world):
    entry = donate(world, "100")
    client = client_for(world.custodian)
    assert client.get(url("entry_reverse", world, entry_id=entry.pk)).status_code == 200
    assert client.post(url("entry_reverse", world, entry_id=entry.pk), {"reason": ""}).status_code == 400
    response = client.post(url("entry_reverse", world, entry_id=entry.pk), {"reason": "录错"})
    assert response.status_code == 302
    # Asked for, not yet posted: a principal approves it (tests/support/test_reversals.py).
    assert not LedgerEntry.objects.filter(kind=EntryKind.REVERSAL, reverses=entry).exists()
    request = ReversalRequest.objects.get(entry=entry, state="pending")
    services.reversal_approve(user=world.principal, school_id=world.school.pk, request_id=request.pk)
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("100.00")
    assert LedgerEntry.objects.filter(kind=EntryKind.REVERSAL, reverses=entry).exists()
    assert client.post(url("entry_reverse", world, entry_id=entry.pk), {"reason": "再"}).status_code == 409
    assert client_for(world.principal).get(url("entry_reverse", world, entry_id=entry.pk)).status_code == 403
    assert client.get(url("entry_reverse", world, entry_id=999999)).status_code == 404


def test_anonymous_donor_hidden_from_all_but_custodians(world):
    donate(world, "10", donor_name="赵老师", donor_anonymous=True, donor_is_staff=True)
    custodian_page = client_for(world.custodian).get(url("ledger", world))
    principal_page = client_for(world.principal).get(url("ledger", world))
    assert "赵老师".encode() in custodian_page.content
    assert "赵老师".encode() not in principal_page.content
    assert str(ANONYMOUS).encode() in principal_page.content


def test_recipient_shown_only_to_those_who_see_the_case(world):
    from tests.casework.helpers import add_staff

    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100")
    disburse(world, case, "10")
    name = case.pupil.name.encode()
    # The principal sees every case of the school; the custodian sees no case.
    assert name in client_for(world.principal).get(url("ledger", world)).content
    custodian_page = client_for(world.custodian).get(url("ledger", world))
    assert name not in custodian_page.content
    assert "—".encode() in custodian_page.content
    # A custodian who is also the case's owner sees the pupil.
    add_staff("colleague", world.school, "custodian")
    assert name in client_for(world.colleague).get(url("ledger", world)).content


def test_reconciliation_page_and_audited_csv(world):
    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100", goods='=HYPERLINK("x")', quantity=1, donor_name="@evil")
    disburse(world, case, "30")
    client = client_for(world.principal)
    today = timezone.localdate().isoformat()
    response = client.get(url("report", world), {"since": today, "until": today})
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.opening, summary.donations, summary.disbursements, summary.closing) == (
        Decimal("0.00"),
        Decimal("100.00"),
        Decimal("30.00"),
        Decimal("70.00"),
    )
    assert summary.reconciles
    response = client.get(url("report", world), {"since": today, "until": today, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("x")' in cells and "'@evil" in cells
    assert case.pupil.name in cells  # the principal may see the case
    assert ["closing", "70.00"] in rows
    event = AuditEvent.objects.get(action="support.export")
    assert event.actor == world.principal and event.school_id == world.school.pk


def test_report_bad_period_is_400(world):
    client = client_for(world.custodian)
    assert client.get(url("report", world), {"since": "2026-05-01", "until": "2026-04-01"}).status_code == 400
    assert client.get(url("report", world), {"since": "nope", "until": "2026-04-01"}).status_code == 400
    assert not AuditEvent.objects.filter(action="support.export").exists()


def test_approve_and_reject_refused_to_others_and_across_schools(world):
    from tests.casework.helpers import add_staff

    case = open_case(world.classroom, by=world.colleague)
    donate(world, "100")
    request = services.disbursement_request(
        user=world.custodian, school_id=world.school.pk, case_id=case.pk, purpose="x", amount=Decimal("5")
    )
    for user in (world.outsider, world.colleague, world.inspector):
        client = client_for(user)
        assert client.post(url("disbursement_approve", world, request_id=request.pk)).status_code == 404
        assert client.post(url("disbursement_reject", world, request_id=request.pk)).status_code == 404
    # The other school's principal, through their own school's URL, finds no such request.
    other_principal = add_staff("otherprincipal", world.other_school, "principal")
    other_url = reverse(
        "support:disbursement_approve", kwargs={"school_id": world.other_school.pk, "request_id": request.pk}
    )
    assert client_for(other_principal).post(other_url).status_code == 404
    request.refresh_from_db()
    assert request.state == DisbursementRequest.State.PENDING
    assert SchoolFund.objects.get(school=world.school).balance == Decimal("100.00")
    assert not SchoolFund.objects.filter(school=world.other_school).exists()


def test_the_ledger_comes_a_page_at_a_time(world, client: Client) -> None:
    """Page and API cut one page of entries before working out donors and recipients."""
    from support.views import ENTRIES_PER_PAGE
    from tests.api.helpers import api_client

    for n in range(ENTRIES_PER_PAGE + 1):
        donate(world, "1.00", donor_name=f"捐赠人{n}")
    client.force_login(world.custodian)
    url = reverse("support:ledger", args=[world.school.pk])
    first = client.get(url).content.decode()
    assert first.count("data-entry=") == ENTRIES_PER_PAGE and 'rel="next"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count("data-entry=") == 1 and "捐赠人0" in second  # the oldest, last
    body = api_client(world.custodian).get("/api/v1/support/entries/", {"page_size": 10}).json()
    assert body["count"] == ENTRIES_PER_PAGE + 1 and len(body["results"]) == 10
