"""A child's records in every app, made through the real services, each naming the child.

    records = a_childs_records(world)   # 王小明: two cases, a general visit, archive, six ones, ...

The needles (the pupil's and the guardian's names, the phone, the address) are written into every
free-text field the services take, so that after the retention run a search of every text column
of every table shows whether anything was missed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from attachments.models import Attachment
from attachments.services import attachment_upload
from audit.services import audit_view
from care.services import archive_entry_save, archive_save
from casework.models import Case, HomeVisit, State
from casework.services import visit_appoint, visit_create, visit_gift_report, visit_record
from casework.services.breakglass import break_glass_open
from consents.models import Purpose
from consents.services import consent_withdraw
from opinions.services import opinion_receive
from schools.models import Guardian, Pupil
from sixones import services as sixones
from sixones.models import Handbook
from support import services as support
from support.models import LedgerEntry
from tests.attachments.samples import png
from tests.builders import drive_to, give_consent, transition
from tests.evidence.helpers import PUPIL_NAME, a_year_of_work
from tests.factories import GuardianFactory
from tests.sixones.helpers import campaign

if TYPE_CHECKING:
    from tests.conftest import World

PUPIL = PUPIL_NAME  # 王小明
GUARDIAN = "王大山"
PHONE = "13912345678"
ADDRESS = "幸福路88号"
NEEDLES = (PUPIL, GUARDIAN, PHONE, ADDRESS)


@dataclass
class Records:
    pupil: Pupil
    case: Case  # academic, closed, with plan, visit, opinion, tutoring, support, attachment, ...
    psych: Case  # psychological, closed, with a confidential note and a counselling session
    general_visit: HomeVisit  # a visit outside any case, with an attachment
    attachments: list[Attachment]
    handbook: Handbook


def a_childs_records(world: World) -> Records:
    """Everything a school may hold about one child, both cases closed, the child still on the roll."""
    year = a_year_of_work(world)
    pupil = year.pupil
    pupil.home_address = ADDRESS
    pupil.notes = f"{PUPIL}的奶奶身体不好"
    pupil.birth_date = datetime.date(2016, 3, 4)
    pupil.left_behind = True
    pupil.save(update_fields=["home_address", "notes", "birth_date", "left_behind"])
    guardian = GuardianFactory.create(
        pupil=pupil, name=GUARDIAN, phone=PHONE, relation=Guardian.Relation.FATHER
    )
    teacher = world.colleague  # the cases' owner
    today = timezone.localdate()
    campaign(world, today.year)

    case = Case.objects.get(pk=year.case.pk)
    visit = case.visits.get()
    visit_gift_report(
        user=teacher, visit_id=visit.pk, what=f"{GUARDIAN}送的红包", offered_on=today, outcome="refused"
    )
    # The guardians' consents (docs/consent.md), naming the guardian: to photos, and a withdrawn one.
    give_consent(pupil, Purpose.HOME_VISIT_PHOTOS, by=world.owner, guardian_name=GUARDIAN)
    sharing = give_consent(pupil, Purpose.TRANSFER_SHARING, by=world.owner, guardian_name=GUARDIAN)
    consent_withdraw(user=world.owner, consent_id=sharing.pk, reason=f"{GUARDIAN}改变了主意")
    attachments = [
        attachment_upload(
            user=teacher,
            name=f"{PUPIL}的家.png",
            chunks=[png()],
            case_id=case.pk,
            caption=f"{PUPIL}和{GUARDIAN}",
        )
    ]
    sixones.act_record(user=teacher, done_on=today, what=f"给{PUPIL}送冬衣", case_id=case.pk)
    sixones.essay_create(user=teacher, title=f"走进{PUPIL}的家", body=f"{PUPIL}很懂事。", visit_id=visit.pk)
    request = support.disbursement_request(
        user=world.custodian,
        school_id=world.school.pk,
        case_id=case.pk,
        purpose=f"{PUPIL}的校服",
        amount=Decimal("80.00"),
    )
    support.disbursement_approve(user=world.principal, school_id=world.school.pk, request_id=request.pk)
    # A correction asked for and turned down: its reason and the decision name the child.
    payout = LedgerEntry.objects.filter(case=case).latest("pk")
    correction = support.reversal_request(
        user=world.custodian, school_id=world.school.pk, entry_id=payout.pk, reason=f"{PUPIL}的校服退了"
    )
    support.reversal_reject(
        user=world.principal, school_id=world.school.pk, request_id=correction.pk, note=f"{PUPIL}已经穿上"
    )
    archive_save(
        pupil_id=pupil.pk,
        user=world.owner,
        left_behind=True,
        single_parent=False,
        migrant_child=False,
        family=f"{PUPIL}跟爷爷奶奶住，父亲{GUARDIAN}在外务工",
        contact=PHONE,
    )
    archive_entry_save(pupil_id=pupil.pk, user=world.owner, year=today.year, record=f"{PUPIL}成绩进步")
    opinion_receive(
        user=world.owner,
        school_id=world.school.pk,
        channel="phone",
        raised_on=today,
        about="school",
        text=f"{GUARDIAN}来电说{PUPIL}想参加兴趣班",
        pupil_id=pupil.pk,
        guardian_name=GUARDIAN,
    )

    # A general visit (no case) by the class teacher, with its own photo.
    general = visit_create(user=world.owner, pupil_id=pupil.pk)
    visit_appoint(
        user=world.owner,
        visit_id=general.pk,
        scheduled_for=timezone.now() - datetime.timedelta(hours=3),
        method="phone",
        guardian_id=guardian.pk,
        note=f"{GUARDIAN}电话同意",
    )
    visit_record(
        user=world.owner,
        visit_id=general.pk,
        data={
            "visited_at": timezone.now() - datetime.timedelta(hours=2),
            "family_situation": f"{PUPIL}家住{ADDRESS}",
            "no_gifts_pledge": True,
        },
    )
    attachments.append(
        attachment_upload(
            user=world.owner, name="家访.png", chunks=[png()], visit_id=general.pk, caption=ADDRESS
        )
    )

    # Looked at, and both cases closed with comments that name the child.
    audit_view(actor=world.principal, case=case)
    audit_view(actor=world.principal, pupil=pupil)
    transition(case, "close", by=world.principal, comment=f"{PUPIL}已经跟上", outcome="improved")
    psych = drive_to(year.psych, State.REVIEW, leader=world.principal)
    # An emergency access to the notes, its reason about the child (docs/break-glass.md).
    break_glass_open(
        case_id=psych.pk, user=world.principal, reason=f"{PUPIL}在班上说了令人担心的话，需要立即了解"
    )
    transition(psych, "close", by=world.principal, comment=f"{PUPIL}情绪稳定", outcome="resolved")
    handbook = sixones.handbook_compile(user=teacher, campaign_id=campaign(world, today.year).pk)
    return Records(
        pupil=Pupil.objects.get(pk=pupil.pk),
        case=Case.objects.get(pk=case.pk),
        psych=Case.objects.get(pk=psych.pk),
        general_visit=HomeVisit.objects.get(pk=general.pk),
        attachments=attachments,
        handbook=handbook,
    )


def text_columns() -> list[tuple[str, str]]:
    """(table, column) of every text, varchar and json column of every table of the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
            " AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
            " ORDER BY table_name, column_name"
        )
        return [(table, column) for table, column in cursor.fetchall()]


def where_found(needles: tuple[str, ...] = NEEDLES) -> dict[str, list[str]]:
    """{needle: ["table.column", ...]}: where each needle still occurs, anywhere in the database."""
    found: dict[str, list[str]] = {needle: [] for needle in needles}
    columns = text_columns()
    with connection.cursor() as cursor:
        for table, column in columns:
            for needle in needles:
                cursor.execute(
                    f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1',  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone():
                    found[needle].append(f"{table}.{column}")
    return found


def snapshot() -> dict[str, Any]:
    """Every text column of every table, for "nothing changed" comparisons."""
    values: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table, column in text_columns():
            sql = f'SELECT md5(string_agg("{column}"::text, \'|\' ORDER BY "{column}"::text)) FROM "{table}"'  # noqa: S608
            cursor.execute(sql)
            values[f"{table}.{column}"] = cursor.fetchone()[0]
    return values
