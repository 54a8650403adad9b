"""Demo ledger for `manage.py demo`: school A's donations of money and goods, two approved
disbursements and one waiting for the principal — through the services (so audited).
Created once; later runs leave an existing ledger of school A alone."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from casework.models import Case
from schools.models import School
from support import services
from support.models import LedgerEntry


def demo_support_build() -> int:
    """Record school A's demo ledger unless it has entries; returns the number of entries posted."""
    if settings.WANJIA_ENVIRONMENT == "production":
        raise ImproperlyConfigured("The demo data must never be loaded into production.")
    school = School.objects.filter(code="A").first()
    custodian = User.objects.filter(username="custodian_a").first()
    principal = User.objects.filter(username="principal_a").first()
    case = Case.objects.filter(school=school).order_by("id").first()
    if None in (school, custodian, principal, case) or LedgerEntry.objects.filter(school=school).exists():
        return 0
    assert school is not None and custodian is not None and principal is not None and case is not None
    today = timezone.localdate()
    with transaction.atomic():
        for days, donor, amount, goods, quantity, unit, staff, anonymous in (
            (20, "四平市慈善总会", "5000.00", "", None, "", False, False),
            (12, "吉林爱心服装厂", "0", "冬衣", 40, "件", False, False),
            (12, "新华书店四平分店", "0", "书包", 30, "个", False, False),
            (5, "王老师", "500.00", "", None, "", True, True),
        ):
            services.donation_record(
                user=custodian,
                school_id=school.pk,
                occurred_on=today - datetime.timedelta(days=days),
                donor_name=donor,
                amount=Decimal(amount),
                goods=goods,
                quantity=quantity,
                unit=unit,
                donor_is_staff=staff,
                donor_anonymous=anonymous,
            )
        for amount, goods, quantity, purpose in (
            ("800.00", "", None, "本学期学杂费及午餐补助"),
            ("0", "冬衣", 2, "冬季御寒衣物"),
        ):
            request = services.disbursement_request(
                user=custodian,
                school_id=school.pk,
                case_id=case.pk,
                purpose=purpose,
                amount=Decimal(amount),
                goods=goods,
                quantity=quantity,
            )
            services.disbursement_approve(user=principal, school_id=school.pk, request_id=request.pk)
        services.disbursement_request(
            user=custodian,
            school_id=school.pk,
            case_id=case.pk,
            purpose="新学期书包",
            goods="书包",
            quantity=1,
        )
    return LedgerEntry.objects.filter(school=school).count()
